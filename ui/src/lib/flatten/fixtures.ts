// Plans and results for tests, shaped as the shell sends them.
import type { Flattened, FlattenPlan } from '../types';

export function plan(over: Partial<FlattenPlan> = {}): FlattenPlan {
  return {
    image: 'web:1', id: 'sha256:aaaa', tags: ['web:1'], new_tag: 'web:1-flat', layers: 4,
    stored_bytes: 50_000_000, predicted_bytes: 38_000_000, predicted_saving: 12_000_000,
    shared_bytes: 30_000_000, sharing_images: ['api:2', 'worker:3'],
    history_lost: ['/bin/sh -c #(nop) ADD file:abc in / ', '/bin/sh -c apt-get update', '/bin/sh -c rm -rf /var/lib/apt/lists'],
    refusal: null,
    ...over,
  };
}

export function flattened(over: Partial<Flattened> = {}): Flattened {
  return {
    plan: plan(), new_id: 'sha256:bbbb', new_tag: 'web:1-flat', measured_bytes: 38_000_000,
    engine_size_before: 52_000_000, engine_size_after: 39_000_000,
    original_digest: 'sha256:0123456789abcdef', flattened_digest: 'sha256:0123456789abcdef', same_tree: true,
    ...over,
  };
}
