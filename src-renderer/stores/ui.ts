// Which room of the studio is showing. Kept in the URL hash so a reload stays in place.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { BATCH_ICON, EDITOR_ICON, EVALUATION_ICON, GALLERY_ICON, PROJECT_ICON, TRAINING_ICON } from '../lib/icon';

export const rooms = [
  { id: 'project', label: 'Project', icon: PROJECT_ICON, hint: 'Create, open and switch projects; import and export folders' },
  { id: 'gallery', label: 'Gallery', icon: GALLERY_ICON, hint: 'Projects and their images' },
  { id: 'editor', label: 'Editor', icon: EDITOR_ICON, hint: 'Fix masks with brush, polygon and fill' },
  { id: 'training', label: 'Training', icon: TRAINING_ICON, hint: 'Start and watch training runs' },
  { id: 'evaluation', label: 'Evaluation', icon: EVALUATION_ICON, hint: 'Metrics, confusion matrix, worst images' },
  { id: 'batch', label: 'Batch', icon: BATCH_ICON, hint: 'Segment a folder of photos offline' },
] as const;

export type RoomId = (typeof rooms)[number]['id'];

function roomFromHash(): RoomId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return rooms.some((r) => r.id === id) ? (id as RoomId) : 'gallery';
}

export const useUiStore = defineStore('ui', () => {
  const room = ref<RoomId>(roomFromHash());
  watch(room, (id) => {
    if (roomFromHash() !== id) window.location.hash = `#/${id}`;
  });
  window.addEventListener('hashchange', () => {
    room.value = roomFromHash();
  });
  function open(id: RoomId): void {
    room.value = id;
  }
  return { room, open };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useUiStore, import.meta.hot));
