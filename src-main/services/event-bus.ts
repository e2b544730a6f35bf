// Backend → renderer events (run progress, status changes). Payloads are checked against the contract before
// they leave, so every front door forwards only well-formed events.
import { events, type EventName, type EventPayloadOf } from '../../src-shared/contract/contract';

export type EventListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayloadOf<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of this.listeners) listener(event, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
