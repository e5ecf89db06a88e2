/** What a network expects: the other side of a "will it load?" diff. */
export interface NetworkParam {
  name: string;
  /** MindSpore dtype name (`Float32`), or null when the manifest does not say. */
  dtype: string | null;
  /** Shape, or null when the manifest does not say (bare name lists). `[]` is a scalar. */
  shape: readonly number[] | null;
  /** The dtype exactly as the manifest wrote it (`torch.float32`, `DT_FLOAT32`), when it differs. */
  rawDtype?: string;
  /**
   * Graph .meta only: a graph input (the data and label arguments of `construct`), not a
   * weight. load_param_into_net never sees these.
   */
  graphInput?: boolean;
}

export type ManifestKind = 'json' | 'text' | 'graph-meta' | 'checkpoint';

export interface NetworkManifest {
  kind: ManifestKind;
  /** Human-readable layout, e.g. `name#(shape)#dtype` or `{name: {shape, dtype}}`. */
  layout: string;
  params: NetworkParam[];
  /** Facts worth showing (dropped entries, heuristics applied). */
  notes: string[];
}
