import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import ConnectError from './components/ConnectError.vue';
import { connectApi, toApiError } from './api';
import './styles.css';

// Connect before mounting so every store can assume a live API; a failed connect gets its own
// screen instead of a half-working UI.
connectApi().then(
  () => createApp(App).use(createPinia()).mount('#app'),
  (err: unknown) => createApp(ConnectError, { error: toApiError(err) }).mount('#app'),
);
