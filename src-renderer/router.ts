// The workbench's views. Hash history works both from file:// (Electron) and from the headless host.
import { createRouter, createWebHashHistory } from 'vue-router';
import CompareView from './views/CompareView.vue';
import DatasetsView from './views/DatasetsView.vue';
import ModelsView from './views/ModelsView.vue';
import NewRunView from './views/NewRunView.vue';
import RunsView from './views/RunsView.vue';
import SettingsView from './views/SettingsView.vue';

export const routes = [
  { path: '/', redirect: '/datasets' },
  { path: '/datasets', name: 'datasets', component: DatasetsView, meta: { title: 'Datasets' } },
  { path: '/models', name: 'models', component: ModelsView, meta: { title: 'Models' } },
  { path: '/runs/new', name: 'new-run', component: NewRunView, meta: { title: 'New run' } },
  { path: '/runs', name: 'runs', component: RunsView, meta: { title: 'Runs' } },
  { path: '/compare', name: 'compare', component: CompareView, meta: { title: 'Compare' } },
  { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings' } },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
