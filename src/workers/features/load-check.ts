import { tensorRowsOf } from '../../base/tensor-columns';
import { diffAgainstNetwork, parameterDict, type LoadDiff } from '../../core/load-rules';
import { compileNameMap, type NameMapSpec } from '../../core/name-map';
import type { NetworkParam } from '../../formats/manifest';
import { requireOpen } from '../registry';

export interface LoadDiffRequest {
  fileId: string;
  /** The rows the filter keeps: indices into the file's index. */
  matching: readonly number[];
  /** The network manifest's parameters (the page read the manifest with openManifestFile). */
  params: NetworkParam[];
  strictLoad: boolean;
  /** The name map rules, when the page could compile them. */
  nameMap: NameMapSpec | null;
}

export const loadCheckApi = {
  /**
   * "Will it load?" for an open file as filtered: load_param_into_net's rules over the
   * parameter_dict load_checkpoint returns. Runs here, beside the index: 0.5–2 s for 100,000
   * names, too long for the page's thread.
   */
  loadDiffOf(request: LoadDiffRequest): LoadDiff {
    const { index } = requireOpen(request.fileId);
    // By position over the columns the file was opened as: no object per tensor.
    const dict = parameterDict(tensorRowsOf(index), index.format, request.matching);
    return diffAgainstNetwork(dict, request.params, {
      strictLoad: request.strictLoad,
      nameMap: request.nameMap ? compileNameMap(request.nameMap) : null,
    });
  },
};
