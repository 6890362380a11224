/**
 * A tiny element builder. Text always goes through `textContent` and `title`: file
 * names, messages and diffs come from notebooks and disks, never trusted as HTML.
 */
export interface IElementOptions {
  className?: string;
  text?: string;
  title?: string;
  data?: Record<string, string>;
  onClick?: (event: MouseEvent) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: IElementOptions = {},
  children: (Node | null)[] = []
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  if (options.title !== undefined) {
    node.title = options.title;
  }
  for (const [key, value] of Object.entries(options.data ?? {})) {
    node.dataset[key] = value;
  }
  if (options.onClick) {
    const handler = options.onClick;
    node.addEventListener('click', event => handler(event as MouseEvent));
  }
  for (const child of children) {
    if (child !== null) {
      node.appendChild(child);
    }
  }
  return node;
}

export function button(
  label: string,
  onClick: () => void,
  options: {
    title?: string;
    action?: string;
    disabled?: boolean;
    className?: string;
  } = {}
): HTMLButtonElement {
  const node = h('button', {
    className: `jp-repro-button jp-mod-styled${options.className ? ` ${options.className}` : ''}`,
    text: label,
    title: options.title,
    data: options.action ? { action: options.action } : {},
    onClick: () => onClick()
  });
  node.type = 'button';
  node.disabled = options.disabled ?? false;
  return node;
}
