import type { Station } from '../../core/station.service';

/** Opens the station, warns about what it could not use, runs `fn`, and always closes it. */
export async function withOpenStation<T>(
  open: () => Promise<Station>,
  fn: (station: Station) => Promise<T>,
): Promise<T> {
  const station = await open();
  try {
    warnExcludedModels(station);
    return await fn(station);
  } finally {
    await station.site?.close();
    station.close();
  }
}

/** Templates of another embedding space are never mixed into the index: say so, every run. */
function warnExcludedModels(station: Station): void {
  for (const note of station.integrityNotes) process.stderr.write(`station: warning: ${note}\n`);
  const tampered = station.galleryReport.tampered;
  if (tampered.length > 0) {
    const people = new Set(tampered.map((t) => t.personId)).size;
    process.stderr.write(
      `station: warning: recognition is stopped: ${tampered.length} stored template(s) of ` +
        `${people} person(s) failed their integrity check (templates ` +
        `${tampered.map((t) => t.templateId).join(', ')}); erase those people or restore the ` +
        'database, then run `station gallery rebuild`\n',
    );
  }
  for (const m of station.galleryReport.excludedOtherModels) {
    process.stderr.write(
      `station: warning: ${m.templates} template(s) of embedding space ${m.modelId} are not ` +
        'searchable with the current model; re-enrol or erase those people (station model show)\n',
    );
  }
}
