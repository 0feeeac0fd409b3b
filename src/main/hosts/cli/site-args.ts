/** The options `station site ...` reads (site-command.ts and site-edit-command.ts). */
export interface SiteArgs {
  url?: string | undefined;
  'admin-url'?: string | undefined;
  code?: string | undefined;
  label?: string | undefined;
  door?: string | undefined;
  'ttl-hours'?: string | undefined;
  reason?: string | undefined;
  'expect-version'?: string | undefined;
  'employee-id'?: string | undefined;
  groups?: string | undefined;
  schedule?: string | undefined;
  file?: string | undefined;
}
