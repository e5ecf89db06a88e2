import { useMemo, useState } from 'react';
import { pickRows, type TensorRows } from '../../base/tensor-columns';
import { describeAutoMapNotNeeded, describeAutoMapProposal } from '../../core/messages';
import { proposeAutoMap, type NameMap } from '../../core/name-map';
import type { NetworkParam } from '../../formats/manifest';
import { setNameMapText } from '../../store/actions';
import { useLensStore } from '../../store/store';

/**
 * "Auto-map": renames onto the network's MindSpore names for what would not load (layer kinds
 * inferred from sibling tensors: core/name-map/automap), shown first, then added to the shared
 * name-map rules in one click. Computed here, beside the load diff it feeds (pure and fast: one
 * pass over names and shapes).
 */
export function AutoMapPanel({
  tensors,
  order,
  params,
  nameMap,
}: {
  tensors: TensorRows;
  /** The checkpoint's tensors (positions) in parameter_dict order. */
  order: readonly number[];
  params: readonly NetworkParam[];
  nameMap: NameMap | null;
}) {
  const [open, setOpen] = useState(false);
  const text = useLensStore((state) => state.nameMapText);
  const result = useMemo(
    () => (open ? proposeAutoMap(pickRows(tensors, order), params, nameMap) : null),
    [open, tensors, order, params, nameMap],
  );

  function apply(): void {
    if (!result) return;
    const lines = result.proposals.map((proposal) => `${proposal.from} = ${proposal.param}`);
    setNameMapText([text.trimEnd(), ...lines].filter((line) => line !== '').join('\n'));
  }

  return (
    <div className="auto-map" data-testid="auto-map">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="auto-map-button">
        Auto-map…
      </button>
      {result && (
        <div className="auto-map-result">
          {result.proposals.length === 0 ? (
            <p data-testid="auto-map-none">
              No rename to propose: no missing parameter matches a renamed layer tensor.
            </p>
          ) : (
            <>
              <ul data-testid="auto-map-proposals">
                {result.proposals.map((proposal) => (
                  <li key={proposal.param}>{describeAutoMapProposal(proposal)}</li>
                ))}
              </ul>
              <button type="button" className="primary" onClick={apply} data-testid="auto-map-apply">
                Apply {result.proposals.length} rename{result.proposals.length === 1 ? '' : 's'} as name-map rules
              </button>
            </>
          )}
          {result.notNeeded.length > 0 && (
            <ul className="muted" data-testid="auto-map-not-needed">
              {result.notNeeded.map((item) => (
                <li key={item.from}>{describeAutoMapNotNeeded(item)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
