import type { calibration } from '../en/calibration';
import type { Translation } from '../message-types';

export const calibration_de: Translation<typeof calibration> = {
  'cal.title': 'Kalibrierung der Schwellenwerte',
  'cal.intro':
    'Misst anhand beschrifteter Gesichter, wie oft Fremde erkannt (FMR, FPIR) und registrierte Personen abgewiesen würden (FNMR, FNIR), je Schwellenwert. Nichts ändert sich, bevor Sie einen Schwellenwert übernehmen.',
  'cal.source': 'Quelle',
  'cal.source.enrolled':
    'Registrierte Vorlagen (Paare innerhalb und zwischen registrierten Personen)',
  'cal.source.upload': 'Ein Ordner mit Identitäten (ein Unterordner je Person)',
  'cal.folderSummary': '{photos} Fotos von {identities} Identitäten',
  'cal.folderIgnored':
    '{photos} Fotos von {identities} Identitäten, {ignored} Dateien ignoriert (kein Foto oder nicht in einem Unterordner)',
  'cal.run': 'Kalibrierung starten',
  'cal.embedding': 'Fotos werden verarbeitet…',
  'cal.progress': '{sent} / {total}',
  'cal.scoring': 'Paare werden bewertet und die Galerie durchsucht…',
  'cal.pairs': '{genuine} echte und {impostor} fremde Paare von {identities} Identitäten',
  'cal.sampled': ' (Stichprobe aus {available})',
  'cal.skippedSummary':
    '; {skipped} Dateien übersprungen: {noFace} ohne Gesicht, {manyFaces} mit mehreren Gesichtern, {unreadable} unlesbar',
  'cal.auc': 'AUC',
  'cal.eer': 'EER',
  'cal.atThreshold': 'bei Schwellenwert {threshold}.',
  'cal.filesSkipped': { one: '{count} Datei übersprungen', other: '{count} Dateien übersprungen' },
  'cal.roc': 'ROC',
  'cal.det': 'DET',
  'cal.histogram': 'Werte: echt gegen fremd',
  'cal.axis.fmrLog': 'Falschakzeptanzrate (log)',
  'cal.axis.oneMinusFnmr': '1 - FNMR',
  'cal.axis.fnmrLog': 'Falschrückweisungsrate (log)',
  'cal.axis.similarity': 'Kosinus-Ähnlichkeit',
  'cal.axis.share': 'Anteil der Paare',
  'cal.series.roc': 'ROC: 1 - FNMR gegen FMR',
  'cal.series.det': 'DET: FNMR gegen FMR (0 am Achsenrand)',
  'cal.series.genuine': 'echt',
  'cal.series.impostor': 'fremd',
  'cal.choose': 'Schwellenwert wählen',
  'cal.threshold': 'Schwellenwert',
  'cal.at': 'Bei {threshold}',
  'cal.chosen': 'gewählt',
  'cal.currentIdentify': 'aktuell Identifizierung ({threshold})',
  'cal.proposed': 'vorgeschlagen ({threshold}, {source})',
  'cal.ratesHint':
    'FMR / FNMR: je Fotopaar (1:1). FPIR: Fremde, die als irgendwer eingelassen würden; FNIR: registrierte Personen, die nicht als sie selbst eingelassen würden (1:N über diese Galerie).',
  'cal.targetsCaption':
    'Schwellenwerte für eine Ziel-Falschakzeptanzrate (95-%-Intervall nach Clopper-Pearson)',
  'cal.targetFmr': 'Ziel-FMR',
  'cal.fmrCi': 'FMR (95-%-KI)',
  'cal.use': 'Verwenden',
  'cal.tooFew': 'Zu wenige fremde Paare: {reason}',
  'cal.adoptAs': 'Übernehmen als',
  'cal.which.identify': 'Identifizierung (Tür)',
  'cal.which.verify': 'Verifizierung (1:1)',
  'cal.which.both': 'beides',
  'cal.adoptButton': 'Schwellenwert {threshold} übernehmen',
  'cal.adopted':
    'Übernommen: Identifizierung {identifyBefore} → {identifyAfter}, Verifizierung {verifyBefore} → {verifyAfter}. Im Protokoll als Eintrag #{auditId} mit den Belegen erfasst; Türentscheidungen verwenden ihn ab dem nächsten Bild.',
  'cal.confirmTitle': '{threshold} übernehmen?',
  'cal.confirmText':
    'Setzt den {which} auf {threshold} (jetzt: Identifizierung {identify}, Verifizierung {verify}). Auf den Paaren dieses Laufs bedeutet das FMR {fmr}, FNMR {fnmr}, FPIR {fpir}, FNIR {fnir}. Die Änderung und diese Belege werden ins Protokoll geschrieben.',
  'cal.whichLabel.identify': 'Schwellenwert für die Identifizierung (Tür, 1:N)',
  'cal.whichLabel.verify': 'Schwellenwert für die Verifizierung (1:1)',
  'cal.whichLabel.both': 'Schwellenwert für Identifizierung und Verifizierung',
  'cal.adopt': 'Übernehmen',
};
