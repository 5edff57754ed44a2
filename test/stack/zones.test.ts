import { describe, expect, it } from "vitest";
import { generalZones, zonesOffering } from "../../components/vm/gcp";
import { T, all, at, runGcp } from "./gcp-support";

describe("gcp zones: only the ones that can hold the VMs", () => {
  it("nodes and the edge never go to an AI zone (us-east4-ai1a, which GCP lists among the region's zones)", async () => {
    const run = await runGcp({ "portage:fleet": { regions: ["virginia"], nodesPerRegion: 4 } });
    const zones = all(run, T.instance).map((vm) => String(at(vm, "zone")));
    expect(zones.length).toBe(5);
    expect(zones.filter((z) => z.includes("-ai"))).toEqual([]);
    expect(new Set(zones)).toEqual(new Set(["us-east4-a", "us-east4-b", "us-east4-c"]));
  });

  it("leaves AI zones out, sorted", () => {
    expect(generalZones("us-central1", ["us-central1-f", "us-central1-ai1a", "us-central1-a", "us-central1-ai2b"])).toEqual([
      "us-central1-a",
      "us-central1-f",
    ]);
  });

  it("keeps the zones that offer the machine type", () => {
    const zones = ["us-east4-a", "us-east4-b", "us-east4-c"];
    expect(zonesOffering("us-east4", zones, [false, true, true], { type: "c4a-standard-2", key: "portage:fleet.size" })).toEqual([
      "us-east4-b",
      "us-east4-c",
    ]);
  });

  it("refuses a machine type no zone offers, naming its config key and the command that lists the offerings", () => {
    expect(() =>
      zonesOffering("us-east4", ["us-east4-a", "us-east4-b"], [false, false], { type: "x9-huge", key: "portage:edge.size" }),
    ).toThrow(
      'portage:edge.size: "x9-huge" is offered in no zone of us-east4 (us-east4-a, us-east4-b); choose another size (gcloud compute machine-types list --filter="name=x9-huge AND zone~us-east4")',
    );
  });
});
