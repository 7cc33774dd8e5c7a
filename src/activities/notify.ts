import type { Notification, Notifier } from '../notify/notifier';

export function createNotify(notifier: Notifier) {
  return async function notify(notification: Notification): Promise<void> {
    await notifier.publish(notification);
  };
}
