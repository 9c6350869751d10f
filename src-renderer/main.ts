import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { connectApi } from './api/client';
import { provideApi } from './api/use-api';
import './styles/base.css';

const api = await connectApi();
const app = createApp(App);
app.use(createPinia());
provideApi(app, api);
app.mount('#app');
