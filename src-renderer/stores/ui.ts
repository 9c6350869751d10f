// Which room of the studio is showing. Kept in the URL hash so a reload stays in place.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';

export const rooms = [
  { id: 'project', label: 'Project', icon: '◫', hint: 'Create, open and switch projects; import and export folders' },
  { id: 'gallery', label: 'Gallery', icon: '▦', hint: 'Projects and their images' },
  { id: 'editor', label: 'Editor', icon: '✎', hint: 'Fix masks with brush, polygon and fill' },
  { id: 'training', label: 'Training', icon: '↻', hint: 'Start and watch training runs' },
  { id: 'evaluation', label: 'Evaluation', icon: '▤', hint: 'Metrics, confusion matrix, worst images' },
  { id: 'batch', label: 'Batch', icon: '⇶', hint: 'Segment a folder of photos offline' },
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
