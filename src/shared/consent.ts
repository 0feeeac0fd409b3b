/**
 * The consent shown before enrolment and its version, recorded with every consent. One module
 * for the renderer (which shows it) and main (which records it): change the text, bump the version.
 */
export const CONSENT_TEXT_VERSION = '2026-11-v1';
export const CONSENT_PURPOSE = 'door access control by face recognition';

export function consentText(name: string): string {
  const who = name.trim() || 'The person named above';
  return (
    `${who} agrees that the station computes face templates from these photos and stores them ` +
    'on this station, for door access control by face recognition only. The photos themselves ' +
    'are not kept. Every access decision is logged under a pseudonym, never the name. The ' +
    'templates are deleted on request.'
  );
}
