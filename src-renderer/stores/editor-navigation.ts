// Moving through the gallery selection from the editor, and the image's status, split and
// training-set flag.
import type { Ref } from 'vue';
import type { ImageItem, ImageStatus, Split } from '@contract/project';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';
import { useGalleryStore } from './gallery';
import { useProjectStore } from './project';
import { followsRule } from '../lib/training-set';

export function useEditorNavigation(io: {
  item: Ref<ImageItem | null>;
  notice: Ref<string | null>;
  open(id: number): Promise<void>;
  flush(): Promise<void>;
}) {
  const { item, notice } = io;

  // Navigation steps run one after another, so pressing '.' three times moves three images.
  let navigation: Promise<void> = Promise.resolve();

  function go(delta: number): Promise<void> {
    navigation = navigation.then(async () => {
      const it = item.value;
      if (!it) return;
      const next = await useGalleryStore().neighbour(it.id, delta);
      if (next) return io.open(next.id);
      const gallery = useGalleryStore();
      if (gallery.indexOf(it.id) < 0) notice.value = 'This image is not in the gallery selection any more (check the gallery filters).';
      else notice.value = delta > 0 ? 'This is the last image of the gallery selection.' : 'This is the first image of the gallery selection.';
    });
    return navigation;
  }

  async function setStatus(status: ImageStatus): Promise<void> {
    const it = item.value;
    if (!it) return;
    await io.flush();
    try {
      const updated = await useApi().call('images.setStatus', { id: it.id, status });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Status not changed: ${errorMessage(e)}`;
    }
  }

  async function toggleTraining(): Promise<void> {
    const it = item.value;
    if (!it) return;
    try {
      // Toggling back to what the rule says clears the override, so the rule decides again.
      const next = !it.inTraining;
      const updated = await useApi().call('images.setTraining', { id: it.id, inTraining: next === followsRule(it) ? null : next });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Training set not changed: ${errorMessage(e)}`;
    }
  }

  /** A split chosen by a person is locked: automatic assignment never moves it. */
  async function setSplit(split: Split): Promise<void> {
    const it = item.value;
    if (!it || it.split === split) return;
    const project = useProjectStore().summary?.dir;
    try {
      const res = await useApi().call('images.update', { ids: [it.id], split, ...(project === undefined ? {} : { project }) });
      const updated = res.items[0];
      if (!updated) return;
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Split not changed: ${errorMessage(e)}`;
    }
  }

  return { go, setStatus, toggleTraining, setSplit };
}
