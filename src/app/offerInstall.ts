interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** Shows the in-app Install button while the browser offers installation. */
export function offerInstall(button: HTMLButtonElement): void {
  let deferred: BeforeInstallPromptEvent | null = null;
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    deferred = event as BeforeInstallPromptEvent;
    button.hidden = false;
  });
  window.addEventListener('appinstalled', () => {
    deferred = null;
    button.hidden = true;
  });
  button.addEventListener('click', () => {
    const prompt = deferred;
    if (!prompt) return;
    deferred = null;
    button.hidden = true;
    void prompt.prompt().then(() => prompt.userChoice);
  });
}
