export type OutputFormat = 'ckpt' | 'safetensors';

/** The .ckpt / .safetensors radio pair every export uses; `name` keeps groups apart on one page. */
export function FormatChoice({
  name,
  value,
  onChange,
  order = ['ckpt', 'safetensors'],
}: {
  name: string;
  value: OutputFormat;
  onChange: (format: OutputFormat) => void;
  order?: readonly OutputFormat[];
}) {
  return (
    <>
      {order.map((format) => (
        <label key={format}>
          <input
            type="radio"
            name={name}
            checked={value === format}
            onChange={() => onChange(format)}
            data-testid={`${name}-${format}`}
          />{' '}
          .{format}
        </label>
      ))}
    </>
  );
}
