import CommuneFixtures
import Foundation
import Testing

/// `repartir run` on the hand-made commune scenario writes `map_white_zones.svg` and embeds it in the report.
/// In the optimised plan (CommuneRunTests) c4 is a white zone reached only by the candidate K1, which gets no post;
/// c7 has no coordinates and no site in reach; c1, c2, c3, c5, c6 are within reach of an endowed site.
@Suite struct WhiteZoneMapRunTests {
    @Test func runDrawsTheWhiteZoneMap() throws {
        let folder = URL(fileURLWithPath: try CommuneFixture.folder())
        let out = try E2E.temporaryDirectory(prefix: "communes-map").appendingPathComponent("run")
        let result = try E2E.repartir(["run", folder.path, "--out", out.path], in: out.deletingLastPathComponent())
        #expect(result.status == 0, "\(result)")
        let communes = try E2E.table(out.appendingPathComponent("allocation_by_commune.csv"))
        // The map's classes from the table: endowed = not a white zone; otherwise by the sites in reach.
        var expected = [0, 0, 0]
        for row in communes {
            expected[row["white_zone"] == "false" ? 0 : (row["sites_in_reach"] == "0" ? 2 : 1)] += 1
        }
        #expect(expected == [5, 1, 1])
        let svg = try E2E.text(out.appendingPathComponent("map_white_zones.svg"))
        #expect(
            svg.hasPrefix("<?xml") && svg.contains("White zones within 15 km: 2 of 7 communes, 600 of 3,700 people"))
        let counts = ["access-endowed", "access-endowed-new", "access-site-without-posts", "access-no-site"].map {
            id -> Int in
            guard let start = svg.range(of: "<g id=\"\(id)\""), let end = svg[start.upperBound...].range(of: "</g>")
            else { return -1 }
            return svg[start.upperBound..<end.lowerBound].components(separatedBy: "h0").count - 1
        }
        // Every endowed commune has a 2021 host in reach; c7 has no coordinates: counted, not drawn.
        #expect(counts == [5, 0, 1, 0])
        #expect(svg.contains("data-communes=\"1\" data-people=\"100\""))
        let report = try E2E.text(out.appendingPathComponent("report.md"))
        #expect(report.contains("](map_white_zones.svg)"))
    }
}
