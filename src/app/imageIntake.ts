/**
 * Every way a person can hand the app images besides "Choose image": drag and drop onto the
 * page, paste, and File Handling (opening an image with the installed app).
 */
export function listenForImages(onFiles: (files: File[]) => void): void {
  document.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (event) => {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files);
  });
  document.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files);
  });
  consumeLaunchQueue(onFiles);
}

interface LaunchParams {
  files: readonly FileSystemFileHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** File Handling: images opened with the installed app arrive through `launchQueue`. */
function consumeLaunchQueue(onFiles: (files: File[]) => void): void {
  const queue = (window as unknown as { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => {
    void Promise.all(params.files.map((handle) => handle.getFile())).then((files) => {
      if (files.length > 0) onFiles(files);
    });
  });
}
