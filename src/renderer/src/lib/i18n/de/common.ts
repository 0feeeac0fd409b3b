import type { common } from '../en/common';
import type { Translation } from '../message-types';

export const common_de: Translation<typeof common> = {
  'app.title': 'Türstation',
  'nav.views': 'Ansichten',
  'nav.terminal': 'Türterminal',
  'nav.enroll': 'Registrierung',
  'nav.calibration': 'Kalibrierung',
  'nav.site': 'Standort',
  'nav.audit': 'Protokoll',
  'nav.people': { one: '{count} Person', other: '{count} Personen' },
  'nav.templates': { one: '{count} Vorlage', other: '{count} Vorlagen' },
  'nav.mode.electron': 'Desktop-App',
  'nav.mode.browser': 'Browser',
  'nav.mode.cli': 'Kommandozeile',
  'nav.logout': 'Abmelden ({role})',
  'nav.language': 'Sprache',
  'language.en': 'English',
  'language.de': 'Deutsch',
  'role.admin': 'Administrator',
  'role.reviewer': 'Prüfer',
  'startup.title': 'Die Station konnte nicht starten',
  'auth.openWarning.admin':
    'Keine Administrator-Passphrase gesetzt: Jede Person an diesem Bildschirm kann registrieren, löschen und Schwellenwerte ändern.',
  'auth.openWarning.reviewer':
    'Keine Prüfer-Passphrase gesetzt: Jede Person an diesem Bildschirm kann das Protokoll lesen und exportieren.',
  'login.title.admin': 'Administrator-Anmeldung',
  'login.title.reviewer': 'Prüfer-Anmeldung',
  'login.protected': 'Diese Ansicht ist geschützt. Geben Sie die Passphrase für {role} ein.',
  'login.passphrase': 'Passphrase',
  'login.submit': 'Anmelden',
  'session.ended':
    'Ihre Sitzung als {role} ist beendet (15 Minuten inaktiv, anderswo abgemeldet, Passphrase geändert oder Station neu gestartet). Melden Sie sich erneut an, um fortzufahren.',
  'session.needsLogin':
    'Diese Ansicht erfordert jetzt eine Anmeldung: Für sie wurde eine Passphrase gesetzt.',
  'session.otherRole': 'Diese Ansicht erfordert eine andere Anmeldung als {role}.',
  'client.unreachable': 'Die Station ist nicht erreichbar. Läuft sie noch?',
  'client.notAuthorised':
    'Diese Seite ist nicht berechtigt. Öffnen Sie die Adresse, die die Station ausgegeben hat.',
  'client.http': 'Die Station antwortete mit HTTP {status}.',
  'client.noConnection':
    'Keine Verbindung zur Station: Öffnen Sie die von `npm start` ausgegebene Adresse (sie enthält den Zugangsschlüssel).',
  'error.withDetail': '{general} {detail}',
  'error.BAD_REQUEST': 'Die Anfrage war ungültig.',
  'error.UNREADABLE_IMAGE': 'Das Bild konnte nicht gelesen werden.',
  'error.IMAGE_TOO_LARGE': 'Das Bild ist zu groß.',
  'error.NO_FACE': 'Es wurde kein Gesicht gefunden.',
  'error.MULTIPLE_FACES': 'Es wurde mehr als ein Gesicht gefunden.',
  'error.FACE_TOO_SMALL': 'Das Gesicht ist zu klein; verwenden Sie ein näheres Foto.',
  'error.MODEL_MISSING':
    'Ein Gesichtsmodell fehlt. Führen Sie `npm run models` auf der Station aus.',
  'error.MODEL_TAMPERED':
    'Ein Gesichtsmodell hat die Integritätsprüfung nicht bestanden. Die Station verwendet es nicht.',
  'error.MODEL_FAILED':
    'Ein Gesichtsmodell funktioniert nicht mehr. Starten Sie die Station neu, falls das anhält.',
  'error.MODEL_MANIFEST_INVALID':
    'Das Manifest des Einbettungsmodells beschreibt das Modell nicht; die Station verweigert es.',
  'error.INDEX_STALE': 'Der Gesichtsindex ist veraltet und wird neu aufgebaut.',
  'error.DB_CORRUPT': 'Die Datenbank der Station ist beschädigt.',
  'error.DB_TOO_NEW':
    'Die Datenbank der Station wurde von einer neueren Version dieser Anwendung geschrieben.',
  'error.CONSENT_REQUIRED':
    'Die Registrierung erfordert die ausdrückliche Einwilligung der Person.',
  'error.PERSON_NOT_FOUND': 'Diese Person ist nicht registriert.',
  'error.NATIVE_MISSING': 'Eine native Komponente der Station ist nicht installiert.',
  'error.UNAUTHORIZED': 'Dieser Bildschirm ist nicht berechtigt, mit der Station zu sprechen.',
  'error.TEMPLATE_KEY_MISSING': 'Der Schlüssel zum Entschlüsseln der Gesichtsvorlagen fehlt.',
  'error.TEMPLATE_KEY_MISMATCH': 'Der Vorlagenschlüssel gehört nicht zu dieser Datenbank.',
  'error.TEMPLATE_KEY_INSECURE': 'Die Datei des Vorlagenschlüssels ist für andere Benutzer lesbar.',
  'error.TEMPLATE_TAMPERED':
    'Eine gespeicherte Gesichtsvorlage hat die Integritätsprüfung nicht bestanden.',
  'error.DATA_INSECURE': 'Die Datenbank der Station ist für andere Benutzer lesbar.',
  'error.BUSY':
    'Die Station ist mit anderen Uploads beschäftigt. Bitte gleich noch einmal versuchen.',
  'error.SITE_UNAVAILABLE':
    'Die Datenbank des Standorts ist nicht erreichbar; die Station entscheidet weiter lokal.',
  'error.SITE_CONFLICT':
    'Jemand anderes hat diesen Eintrag inzwischen geändert. Bitte neu laden und noch einmal versuchen.',
  'error.SITE_REFUSED': 'Der Standort hat diese Station abgelehnt.',
  'error.SITE_REVOKED': 'Ein Administrator hat diese Station vom Standort entfernt.',
  'error.SITE_PAIRING_INVALID': 'Der Kopplungscode ist unbekannt, schon benutzt oder abgelaufen.',
  'error.SITE_NOT_JOINED': 'Diese Station gehört zu keinem Standort.',
  'error.INTERNAL': 'In der Station ist etwas schiefgelaufen.',
  'common.cancel': 'Abbrechen',
  'common.close': 'Schließen',
  'common.none': '—',
  'common.any': 'alle',
};
