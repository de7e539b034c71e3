// Hookline's version, from package.json (sent as User-Agent: Hookline/<version>).
import pkg from "../package.json" with { type: "json" };

export const version: string = pkg.version;
