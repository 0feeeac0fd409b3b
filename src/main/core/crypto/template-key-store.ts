/**
 * Where the template master key lives, and how it is protected at rest. The core asks only
 * for these two operations; hosts choose the store: a 0600 key file for the CLI and browser
 * mode (file-template-key-store.ts), the OS keychain via Electron safeStorage in the desktop
 * app (electron/safe-storage-key-store.ts). The core never imports Electron.
 */
export interface TemplateKeyStore {
  /** Where the key is, for error messages (a path and how it is protected). */
  readonly description: string;
  /** The stored 32-byte key, or null when none was ever stored here. */
  load(): Buffer | null;
  /**
   * Stores a new random key and returns it. Must not replace an existing key: if another
   * process created one meanwhile, return that one instead (so two first starts agree).
   */
  create(): Buffer;
}
