import { useId, useMemo, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { describeSerialized } from '../../core/messages';
import { BlobSource } from '../../io/byte-source';
import {
  NAME_MAP_PRESETS,
  compileNameMap,
  exportNameMapJson,
  readNameMapSource,
  previewNameMap,
  type NameMap,
  type NameMapSpec,
  type RenamePreview,
} from '../../core/name-map';
import { setNameMapText } from '../../store/actions';
import { downloadText } from '../common/download';
import { useLensStore } from '../../store/store';
import { plural } from '../../base/plural';

/** `pattern => replacement` lines (and `old = new` exact renames) ↔ a name-map spec. */
export function specFromText(text: string): NameMapSpec {
  const spec: NameMapSpec = { exact: {}, rules: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const arrow = line.indexOf('=>');
    if (arrow >= 0)
      spec.rules.push({ pattern: line.slice(0, arrow).trim(), replacement: line.slice(arrow + 2).trim() });
    else {
      const equals = line.indexOf(' = ');
      if (equals >= 0) spec.exact[line.slice(0, equals).trim()] = line.slice(equals + 3).trim();
      else spec.rules.push({ pattern: line, replacement: '' });
    }
  }
  return spec;
}

export function textFromSpec(spec: NameMapSpec): string {
  return [
    ...Object.entries(spec.exact).map(([from, to]) => `${from} = ${to}`),
    ...spec.rules.filter((rule) => rule.enabled !== false).map((rule) => `${rule.pattern} => ${rule.replacement}`),
  ].join('\n');
}

export type CompiledNameMap = { map: NameMap | null; error: SerializedLensError | null };

/** The store's rules compiled once per edit; null map when there are none. */
export function useNameMap(): CompiledNameMap {
  const text = useLensStore((state) => state.nameMapText);
  return useMemo(() => {
    const spec = specFromText(text);
    if (spec.rules.length === 0 && Object.keys(spec.exact).length === 0) return { map: null, error: null };
    try {
      return { map: compileNameMap(spec), error: null };
    } catch (error) {
      return { map: null, error: serializeError(error) };
    }
  }, [text]);
}

/**
 * The name_map rules shared by the load check and export: edit, start from a preset, import or
 * export JSON, and see what each rule renames.
 */
export function NameMapEditor({ names }: { names: readonly string[] }) {
  const text = useLensStore((state) => state.nameMapText);
  const compiled = useNameMap();
  const id = useId();
  const [importError, setImportError] = useState<SerializedLensError | null>(null);
  const preview: RenamePreview | null = useMemo(
    () => (compiled.map ? previewNameMap(compiled.map, names) : null),
    [compiled.map, names],
  );
  return (
    <fieldset className="name-map-editor">
      <legend>Rename rules (name_map)</legend>
      <label htmlFor={id}>
        One per line, in order: <code>regex =&gt; replacement</code> ($1… for groups) or{' '}
        <code>old.name = new.name</code>
      </label>
      <textarea
        id={id}
        rows={4}
        value={text}
        spellCheck={false}
        onChange={(event) => setNameMapText(event.target.value)}
        data-testid="name-map-rules"
      />
      <div className="name-map-actions">
        {NAME_MAP_PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            onClick={() => setNameMapText(textFromSpec(preset.spec))}
            data-testid={`preset-${preset.id}`}
          >
            {preset.label}
          </button>
        ))}
        <label className="button-like">
          Import JSON…
          <input
            type="file"
            accept=".json,application/json"
            hidden
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (!file) return;
              setImportError(null);
              void readNameMapSource(new BlobSource(file), file.name)
                .then((spec) => setNameMapText(textFromSpec(spec)))
                .catch((error: unknown) => setImportError(serializeError(error)));
            }}
          />
        </label>
        <button
          type="button"
          disabled={!compiled.map}
          onClick={() => {
            downloadText(exportNameMapJson(specFromText(text)), 'name_map.json', 'application/json');
          }}
        >
          Export JSON
        </button>
      </div>
      {[compiled.error, importError].map(
        (error, i) =>
          error && (
            <p key={i} className="warn" role="alert">
              {describeSerialized(error).detail} {describeSerialized(error).action}
            </p>
          ),
      )}
      {preview && (
        <details className="rename-preview" data-testid="rename-preview">
          <summary>
            {preview.renames.length} renamed, {preview.unchanged} unchanged
            {preview.collisions.length > 0
              ? `, ${plural(preview.collisions.length, 'collision')} (the later name wins)`
              : ''}
          </summary>
          <ul>
            {preview.renames.slice(0, 200).map((change) => (
              <li key={change.from}>
                <code>{change.from}</code> → <code>{change.to}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </fieldset>
  );
}
