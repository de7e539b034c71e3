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
  if (!/^\d+$/.test(port)) return `the port \`${port}\` is not a number`;
  const n = Number(port);
  return n < 1 || n > MAX_PORT ? `port ${port} is out of range (1-${MAX_PORT})` : null;
}

/** What is wrong with "host:port" (or "[ipv6]:port"), in words that name it; null when it is a host a request can reach. */
function hostPortProblem(scheme: string, hostPort: string): string | null {
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    const address = close < 0 ? hostPort : hostPort.slice(0, close + 1);
    if (close < 0 || !parses(`http://${address}/`)) return `\`${address}\` is not a valid IPv6 address`;
    const after = hostPort.slice(close + 1);
    if (after && !after.startsWith(":")) return `only a port (\`:8443\`) may follow the IPv6 address \`${address}\`, not \`${after}\``;
    return portProblem(after.slice(1));
  }
  const colon = hostPort.indexOf(":");
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  if (!host) return `enter the host after ${scheme.replace(/[/\\]+$/, "//")}`;
  if (/\s/.test(host)) return `the host \`${host}\` is not valid (spaces are not allowed)`;
  const forbidden = FORBIDDEN_IN_HOST.exec(host)?.[0];
  if (forbidden) return `the host \`${host}\` is not valid (${/[\u0000-\u001f\u007f]/.test(forbidden) ? "control characters are" : `\`${forbidden}\` is`} not allowed)`;
  const problem = colon < 0 ? null : portProblem(hostPort.slice(colon + 1));
  if (problem) return problem;
  if (parses(`${scheme}${hostPort}/`)) return null;
  // a host whose last label is a number is read as an IPv4 address (http://999.1.1.1, http://1.2.3.4.5)
  if (/(^|\.)\d+\.?$/.test(host) || /^0x/i.test(host.split(".").at(-1) ?? "")) return `\`${host}\` is not a valid IPv4 address`;
  return `the host \`${host}\` is not valid`;
}

// A password or user name holding an unencoded # ? / or @ ends the authority early (the URL parser's
// host is then a piece of the password: http://mkt:p@ss#1@api.example.com goes to `ss` with mkt:p).
// Seen as a literal "@" after a host no webhook is meant for (one label, not localhost nor an IP:
// `ss`, `mk` of https://mk#t:pw@api, `mkt` of https://mkt:2024/pw@api), or in a fragment beside a user
// name, or after a "port" that is no number (https://mkt:p?ss@api). An "@" in a value is not in the text
// read here, and one in the path or query of a real host is the URL's own (/users/mary@example.com).
const SPLIT_USERINFO = "the password (or user name) seems to hold # ? / or @: write them percent-encoded (%23 %3F %2F %40)";

/** A host no webhook is meant for: one label, neither localhost nor an IP address (a piece of a password, a user name). */
function unlikelyHost(hostWithPort: string): boolean {
  const host = hostWithPort.startsWith("[") ? hostWithPort : hostWithPort.replace(/:\d*$/, "");
  return !host.startsWith("[") && !host.includes(".") && host.toLowerCase() !== "localhost";
}

function hostOf(scheme: string, hostPort: string): string {
  try {
    return new URL(`${scheme}${hostPort}/`).host;
  } catch {
    return hostPort;
  }
}

/**
 * What urlAuthorityProblem says, without the "URL: " that names the field (the renderer's problems are
 * labelled by their field: lib/campaigns/problem-labels.ts).
 */
export function urlAuthorityReason(url: string): string | null {
  const parts = literalAuthority(url);
  if (!parts || !/^https?:/i.test(parts.scheme)) return null;
  const { authority, writtenRest } = parts;
  const at = authority.lastIndexOf("@");
  const hostPort = authority.slice(at + 1);
  const problem = hostPortProblem(parts.scheme, hostPort);
  // an "@" after a host no request is meant for (`ss`, `mkt` of mkt:2024/…@api, `corp` of CORP\jsmith:…@api), or
  // in a fragment (never sent) beside a user name: the rest of a password. An "@" in the path or query of a
  // real host (https://u:p@api.example.com/users/mary@example.com, ?to=ops@example.com) is the URL's own (review 2).
  const strayAt = writtenRest.includes("@") && (unlikelyHost(hostOf(parts.scheme, hostPort)) || (at >= 0 && /#.*@/.test(writtenRest)));
  const split = strayAt || (at < 0 && !!problem && hostPort.includes(":") && writtenRest.includes("@"));
  if (!split) return problem;
  return problem ? SPLIT_USERINFO : `${SPLIT_USERINFO}, else the request goes to \`${hostOf(parts.scheme, hostPort)}\``;
}

/**
 * Why the host or port of a URL (template) cannot be reached, when its scheme and authority hold no
 * {{ }} (a templated one is only known once rendered): "URL: port 99999 is out of range (1-65535)".
 * Null when they are templated, valid, or the scheme is not http(s) (the schemas say that themselves).
 * The user name and password may hold any character but # ? / and @ followed by another "@" (see
 * SPLIT_USERINFO): the URL parser percent-encodes the rest.
 */
export function urlAuthorityProblem(url: string): string | null {
  const reason = urlAuthorityReason(url);
  return reason && `URL: ${reason}`;
}

/** Whether the URL template's scheme and authority are written out (no {{ }}): a bad rendered URL is then the template's own, not a value's. */
export const hasLiteralAuthority = (url: string): boolean => literalAuthority(url) !== null;
