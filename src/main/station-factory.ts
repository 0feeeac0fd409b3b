// The hosts' entry point; the wiring lives in composition/ (the only folder that sees db/).
export { openStation } from './composition/open-station';
