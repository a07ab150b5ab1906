// Node has no IndexedDB: the inspector's logic runs against fake-indexeddb there.
import 'fake-indexeddb/auto';
