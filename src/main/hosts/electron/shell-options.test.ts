import { describe, expect, it } from 'vitest';
import { parseShellOptions } from './shell-options';

const electronArgv = ['/opt/station/face-access-station', '.'];

describe('parseShellOptions', () => {
  it('defaults: windowed, Electron picks the data folder, bundled models', () => {
    expect(parseShellOptions(electronArgv, {})).toEqual({
      kiosk: false,
      dataDir: undefined,
      modelsDir: undefined,
    });
  });

  it('kiosk from --kiosk or STATION_KIOSK', () => {
    expect(parseShellOptions([...electronArgv, '--kiosk'], {}).kiosk).toBe(true);
    expect(parseShellOptions(electronArgv, { STATION_KIOSK: '1' }).kiosk).toBe(true);
    expect(parseShellOptions(electronArgv, { STATION_KIOSK: 'TRUE' }).kiosk).toBe(true);
    expect(parseShellOptions(electronArgv, { STATION_KIOSK: '0' }).kiosk).toBe(false);
    expect(parseShellOptions([...electronArgv, '--kiosk-printing'], {}).kiosk).toBe(false);
  });

  it('folders from --name=value, --name value, or the environment; the flag wins', () => {
    expect(
      parseShellOptions([...electronArgv, '--data-dir=/srv/a'], { STATION_DATA_DIR: '/env' })
        .dataDir,
    ).toBe('/srv/a');
    expect(parseShellOptions([...electronArgv, '--data-dir', '/srv/b'], {}).dataDir).toBe('/srv/b');
    expect(parseShellOptions(electronArgv, { STATION_DATA_DIR: '/env' }).dataDir).toBe('/env');
    expect(parseShellOptions([...electronArgv, '--models-dir=/m'], {}).modelsDir).toBe('/m');
    expect(parseShellOptions(electronArgv, { STATION_MODELS_DIR: '/mm' }).modelsDir).toBe('/mm');
  });

  it('ignores empty values and a flag followed by another flag', () => {
    expect(parseShellOptions([...electronArgv, '--data-dir='], {}).dataDir).toBeUndefined();
    expect(
      parseShellOptions([...electronArgv, '--data-dir', '--kiosk'], {}).dataDir,
    ).toBeUndefined();
    expect(parseShellOptions(electronArgv, { STATION_DATA_DIR: '  ' }).dataDir).toBeUndefined();
  });
});
