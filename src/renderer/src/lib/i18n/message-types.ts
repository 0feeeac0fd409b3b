/**
 * The shape of a message catalogue. English is the source: its literal strings define the keys
 * and the placeholders (`{name}`), and every other language must have every key (a type error
 * otherwise). Placeholders of a translation are checked against the source by a unit test.
 */

/** CLDR plural categories; `other` is the one every language has. */
export type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

/**
 * A count-dependent message: one text per plural category the language uses (English and
 * German: `one`, `other`), chosen with Intl.PluralRules on the `count` parameter.
 */
export type PluralMessage = Partial<Record<PluralCategory, string>> & { other: string };

export type Message = string | PluralMessage;

/** A catalogue part: message key -> message. Keys are `area.name` so the parts never collide. */
export type CatalogueSource = Readonly<Record<string, Message>>;

/** What a translation of `S` must provide: the same keys, a string or plural forms each. */
export type Translation<S extends CatalogueSource> = {
  readonly [K in keyof S]: S[K] extends string ? string : PluralMessage;
};

/** Placeholder names in a template literal type: `'Hi {name}, {n}'` -> `'name' | 'n'`. */
type PlaceholdersOf<T> = T extends `${string}{${infer P}}${infer Rest}`
  ? P | PlaceholdersOf<Rest>
  : never;

/** Placeholders of a message; a plural message always takes `count`. */
export type ParamNames<M> = M extends string
  ? PlaceholdersOf<M>
  : 'count' | PlaceholdersOf<M[keyof M & PluralCategory]>;

export type ParamValue = string | number;
