import { describe, expect, it } from "vitest";
import { LeaseKeeper } from "./lease";

const at = (ms: number) => new Date(1_000_000 + ms);

describe("LeaseKeeper", () => {
  it("a claim holds for a lease unless renewed; a renewal extends every claim from its start", () => {
    const leases = new LeaseKeeper(1000);
    expect(leases.holds(at(0), at(999))).toBe(true);
    expect(leases.holds(at(0), at(1000))).toBe(false);
    leases.renewed(at(800));
    expect(leases.holds(at(0), at(1700))).toBe(true);
    expect(leases.holds(at(0), at(1800))).toBe(false);
    // a claim newer than the last renewal counts from the claim
    expect(leases.holds(at(1500), at(2400))).toBe(true);
  });

  it("takes over expired leases only after reaching the database for a whole lease", () => {
    const leases = new LeaseKeeper(1000);
    expect(leases.mayTakeOver(at(0))).toBe(false);
    leases.reachable(at(0));
    leases.reachable(at(500)); // still reachable since 0
    expect(leases.mayTakeOver(at(999))).toBe(false);
    expect(leases.mayTakeOver(at(1000))).toBe(true);
    // an outage: every lease looks expired afterwards, the owners get a lease to record or renew
    leases.unreachable();
    expect(leases.mayTakeOver(at(5000))).toBe(false);
    leases.reachable(at(5000));
    expect(leases.mayTakeOver(at(5999))).toBe(false);
    expect(leases.mayTakeOver(at(6000))).toBe(true);
  });

  it("looks for expired leases once a quarter lease, not in every claim", () => {
    const leases = new LeaseKeeper(1000);
    leases.reachable(at(0));
    expect(leases.looksForExpired(at(500))).toBe(false);
    expect(leases.looksForExpired(at(1000))).toBe(true);
    expect(leases.looksForExpired(at(1100))).toBe(false);
    expect(leases.looksForExpired(at(1249))).toBe(false);
    expect(leases.looksForExpired(at(1250))).toBe(true);
    // a long lease: every 5 s at most
    const long = new LeaseKeeper(60_000);
    long.reachable(at(0));
    expect(long.looksForExpired(at(60_000))).toBe(true);
    expect(long.looksForExpired(at(64_999))).toBe(false);
    expect(long.looksForExpired(at(65_000))).toBe(true);
    // after an outage it waits a whole lease again
    long.unreachable();
    long.reachable(at(70_000));
    expect(long.looksForExpired(at(100_000))).toBe(false);
    expect(long.looksForExpired(at(130_000))).toBe(true);
  });
});
