/**
 * The consent shown before enrolment. Its version must match CONSENT_TEXT_VERSION in
 * src/main/core/enrollment/enrollment.service.ts, which is recorded with every consent: change
 * both together (the renderer cannot import main's module, it pulls in node:crypto).
 */
export const CONSENT_VERSION = '2026-11-v1';

export function consentText(name: string): string {
  const who = name.trim() || 'The person named above';
  return (
    `${who} agrees that the station computes face templates from these photos and stores them ` +
    'on this station, for door access control by face recognition only. The photos themselves ' +
    'are not kept. Every access decision is logged under a pseudonym, never the name. The ' +
    'templates are deleted on request.'
  );
}
