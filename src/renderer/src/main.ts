import { mount } from 'svelte';
import App from './App.svelte';
import { AppState } from './lib/app.svelte';
import { connectStation, connectStationEvents } from './lib/station-client';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The client is chosen (and the URL secret taken) before anything renders.
const app = new AppState(connectStation(), connectStationEvents());
void app.load();
mount(App, { target, props: { app } });
