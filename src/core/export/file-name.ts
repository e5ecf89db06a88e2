/**
 * The name an export is offered under: the source's name without its checkpoint extension
 * (.ckpt, .safetensors, or a PyTorch .pt/.pth/.bin), then ".export" and save_checkpoint's rule
 * (2.4+): ".<format>" appended unless the name already ends with it.
 */
export function exportFileName(sourceName: string, format: 'ckpt' | 'safetensors'): string {
  const stem = sourceName.replace(/\.(ckpt|safetensors|pt|pth|bin)$/i, '');
  const name = `${stem}.export`;
  return name.endsWith(format) ? name : `${name}.${format}`;
}
