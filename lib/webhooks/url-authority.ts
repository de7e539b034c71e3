// A URL's host and port, checked where they are written out: a URL whose scheme and authority hold no
// {{ }} is sent to the same place for every user, so a host or port no request can reach is refused at
// save (the schemas) and named at render, instead of "not an absolute URL" on every preview and at
// Activate. Templates in the path and query are the user's data and are not read here. Client-safe.
import { literalAuthority } from "./url-credentials";

const MAX_PORT = 65_535;

/** Whether the WHATWG URL parser (the sender's) takes it. */
function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

// characters no host may hold (WHATWG's forbidden host code points that can reach a host here: the
// authority already ends at / ? # \ and the user name at the last @)
const FORBIDDEN_IN_HOST = /[\u0000-\u001f\u007f<>^|[\]]/;

function portProblem(port: string): string | null {
  if (port === "") return null;
  if (!/^\d+$/.test(port)) return `URL: the port \`${port}\` is not a number`;
  const n = Number(port);
  return n < 1 || n > MAX_PORT ? `URL: port ${port} is out of range (1-${MAX_PORT})` : null;
}

/** What is wrong with "host:port" (or "[ipv6]:port"), in words that name it; null when it is a host a request can reach. */
function hostPortProblem(scheme: string, hostPort: string): string | null {
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    const address = close < 0 ? hostPort : hostPort.slice(0, close + 1);
    if (close < 0 || !parses(`http://${address}/`)) return `URL: \`${address}\` is not a valid IPv6 address`;
    const after = hostPort.slice(close + 1);
    if (after && !after.startsWith(":")) return `URL: only a port (\`:8443\`) may follow the IPv6 address \`${address}\`, not \`${after}\``;
    return portProblem(after.slice(1));
  }
  const colon = hostPort.indexOf(":");
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  if (!host) return `URL: enter the host after ${scheme.replace(/[/\\]+$/, "//")}`;
  if (/\s/.test(host)) return `URL: the host \`${host}\` is not valid (spaces are not allowed)`;
  const forbidden = FORBIDDEN_IN_HOST.exec(host)?.[0];
  if (forbidden) return `URL: the host \`${host}\` is not valid (${/[\u0000-\u001f\u007f]/.test(forbidden) ? "control characters are" : `\`${forbidden}\` is`} not allowed)`;
  const problem = colon < 0 ? null : portProblem(hostPort.slice(colon + 1));
  if (problem) return problem;
  if (parses(`${scheme}${hostPort}/`)) return null;
  // a host whose last label is a number is read as an IPv4 address (http://999.1.1.1, http://1.2.3.4.5)
  if (/(^|\.)\d+\.?$/.test(host) || /^0x/i.test(host.split(".").at(-1) ?? "")) return `URL: \`${host}\` is not a valid IPv4 address`;
  return `URL: the host \`${host}\` is not valid`;
}

/**
 * Why the host or port of a URL (template) cannot be reached, when its scheme and authority hold no
 * {{ }} (a templated one is only known once rendered): "URL: port 99999 is out of range (1-65535)".
 * Null when they are templated, valid, or the scheme is not http(s) (the schemas say that themselves).
 * The user name and password are not read: the URL parser takes any, percent-encoding what it must.
 */
export function urlAuthorityProblem(url: string): string | null {
  const parts = literalAuthority(url);
  if (!parts || !/^https?:/i.test(parts.scheme)) return null;
  const { authority } = parts;
  return hostPortProblem(parts.scheme, authority.slice(authority.lastIndexOf("@") + 1));
}

/** Whether the URL template's scheme and authority are written out (no {{ }}): a bad rendered URL is then the template's own, not a value's. */
export const hasLiteralAuthority = (url: string): boolean => literalAuthority(url) !== null;
