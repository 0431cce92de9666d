export interface LandingPage {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly target: string;
  readonly links: readonly { readonly path: string; readonly text: string }[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function landingHtml(page: LandingPage): string {
  const links = page.links.map((link) => `<li><a href="${escapeHtml(link.path)}">${escapeHtml(link.text)}</a></li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.name)}</title>
<style>body{font-family:sans-serif;margin:0}header{background:#e6522c;color:#fff;padding:1em}main{padding:1em}</style></head>
<body><header><h1>${escapeHtml(page.name)}</h1></header><main>
<p>${escapeHtml(page.description)}</p>
<p>Version ${escapeHtml(page.version)}; target ${escapeHtml(page.target)}</p>
<ul>
${links}
</ul></main></body></html>
`;
}
