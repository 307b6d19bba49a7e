import Foundation
import Scenario

/// A hand-made commune scenario, on the equator so distances are easy: 0.1° of longitude is 11.1 km.
///
/// Territory 01: c1 (lon 0.0), c2 and c3 (lon 0.1), c4 (lon 0.25); territory 02: c5 (lon 1.0), c6 (lon 1.05),
/// c7 (no coordinates). Hosts: H1 public in c1 (capacity 2), H2 private in c2 (capacity 1), H3 public in c5
/// (capacity 1); candidate K1 public in c4 (capacity 1). Within 15 km: c1, c2, c3 are reached by the sites of
/// c1 and c2 (one group; the two sites reach exactly that group, one unit); c4 only by its own candidate site
/// (16.7 km from c2); c5 and c6 by c5; c7 by nothing. Needs: 300, 200, 100, 150, 250, 50, 40.
/// A post serves 120 people (κ = 120 per year, 12 funded months) and costs the State 10,000 €.
/// Shared by the Scenario, AllocationModel and end-to-end tests (one copy, its own target).
/// `reachTable` writes `reach.csv` and declares it with `reach.max_minutes: maxMinutes` (nil `radius`: no radius
/// line, as a scenario with a reach table must be written). `reachYAML`: one more line of the `reach:` block.
/// `privateGrant`: a private post's State cost (€10,000 as a public one's unless said). `funding`: the `funding:`
/// block's lines, each indented two spaces (the `full` option alone unless said). `branchAndBoundNodes`:
/// `reach.branch_and_bound_nodes`, 0 unless said, so that the 2.5-post budget stays the unproven plan the warm-start,
/// bound and sweep tests need (branch-and-bound proves it: `CommuneRunTests.aSmallCommuneModelIsProvenByBranchAndBound`
/// passes nil, the scenario's default); nil leaves the key out.
public enum CommuneFixture {
    public static func folder(
        posts: Int = 3, budget: Int = 1_000_000, radius: String? = "15", extraYAML: String = "",
        demand: String? = nil, structures: String? = nil, candidates: String? = nil, reachTable: String? = nil,
        maxMinutes: String? = "20", reachYAML: String = "", privateGrant: Int = 10000, funding: String? = nil,
        branchAndBoundNodes: Int? = 0
    ) throws -> String {
        let folder = TestScratch.root.appendingPathComponent(
            "repartir-communes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let yaml = """
            name: communes-fixture
            tables:
              territories: territories.csv
              structures: structures.csv
              demand: demand.csv
              candidates: candidates.csv
            reach:
            \(radius.map { "  radius_km: \($0)\n" } ?? "")\
            \(reachTable == nil ? "" : "  table: reach.csv\n")\
            \(reachTable == nil ? "" : maxMinutes.map { "  max_minutes: \($0)\n" } ?? "")\
              breakpoints: [0.5, 1]
            \(branchAndBoundNodes.map { "  branch_and_bound_nodes: \($0)\n" } ?? "")\
            \(reachYAML.isEmpty ? "" : "  " + reachYAML + "\n")\
            programme:
              posts: \(posts)
              budget_eur: \(budget)
            service:
              people_per_post_year: 120
            need:
              rate_15_plus: 0.2
              rate_75_plus: 0.5
            kinds:
              public:
                grant_eur: 10000
                overseas_grant_eur: 10000
                grant_months: 12
              private:
                grant_eur: \(privateGrant)
                overseas_grant_eur: \(privateGrant)
                grant_months: 12
            funding:
            \(funding ?? "  full:\n    state_share: 1")
            objective:
              exponent: 0.5
            \(extraYAML)
            """
        var files: [String: String] = [
            "scenario.yaml": yaml,
            "territories.csv": """
            code,name,region_code,region_name,overseas,population,population_15_plus,population_75_plus,ifn
            01,Un,R1,Région,false,2000,1500,200,5
            02,Deux,R1,Région,false,1500,1200,100,5

            """,
            "structures.csv": structures ?? """
                id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
                H1,Host one,01,public,2,0,1,c1
                H2,Host two,01,private,1,0,0,c2
                H3,Host three,02,public,1,0,1,c5

                """,
            "candidates.csv": candidates ?? """
                id,name,territory,kind,capacity,cofinancing_eur,commune_code
                K1,Candidate,01,public,1,0,c4

                """,
            "demand.csv": demand ?? demandHeader + "\n" + demandRows + "\n",
        ]
        if let reachTable { files["reach.csv"] = reachTable }
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return folder.path
    }

    /// The demand table's header and its seven communes (c7 without coordinates), the default `demand.csv`.
    public static let demandHeader = "code,name,territory,epci,population,need,latitude,longitude"
    public static let demandRows = """
        c1,One,01,E1,1000,300,0,0
        c2,Two,01,E1,700,200,0,0.1
        c3,Three,01,E1,300,100,0,0.1
        c4,Four,01,,500,150,0,0.25
        c5,Five,02,E2,800,250,0,1.0
        c6,Six,02,E2,300,50,0,1.05
        c7,Seven,02,E2,100,40,,
        """

    /// `demand.csv` with c1's need raised beyond what one post serves (900) and the need near the candidate cut (c2 20,
    /// c3 10, c4 30): at 20 km, which post a plan gives up or moves then matters (the relocation and the warm start's
    /// cut are tested on it).
    public static let unevenDemand =
        demandHeader + "\n"
        + demandRows.replacingOccurrences(of: "c1,One,01,E1,1000,300", with: "c1,One,01,E1,1000,900")
        .replacingOccurrences(of: "c2,Two,01,E1,700,200", with: "c2,Two,01,E1,700,20")
        .replacingOccurrences(of: "c3,Three,01,E1,300,100", with: "c3,Three,01,E1,300,10")
        .replacingOccurrences(of: "c4,Four,01,,500,150", with: "c4,Four,01,,500,30") + "\n"

    /// A previous run's plan of three posts (c1's site 2, c5's 1, public, the full option), its `sites.csv` priced at
    /// `price` per person, read back: the warm start of the warm-solve tests (a variant with two posts' euros cuts it).
    public static func previousPlan(price: String = "1.5") throws -> PreviousCommunePlan {
        let folder = TestScratch.root.appendingPathComponent("repartir-previous-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(
            """
            site_commune,site_name,territory_code,kind,candidate,funding_option,posts,capacity,people_servable,opened,value_per_person
            c1,One,01,public,false,full,2,2,240.0,true,\(price)
            c5,Five,02,public,false,full,1,1,120.0,true,\(price)

            """.utf8
        ).write(to: folder.appendingPathComponent("sites.csv"))
        return try PreviousCommunePlan.read(folder.path)
    }

    /// Travel times for `reachTable` (with `max_minutes: 20`). Against the 15 km radius it adds c4 to the site of
    /// c2 (exactly 20 minutes: the maximum is in reach) and the coordinate-less c7 to the site of c5, and takes c6
    /// away from c5 (35 minutes, beyond the maximum, as is c2 → c5 at 90). Rows are (commune, site commune): the
    /// people of `commune_code` travel to the site in `site_commune_code`.
    public static let reachTable = """
        commune_code,site_commune_code,minutes
        c2,c1,8
        c3,c1,12
        c4,c2,20
        c7,c5,15
        c6,c5,35
        c1,c2,9
        c3,c2,4
        c2,c5,90

        """

    public static func scenario(posts: Int = 3, budget: Int = 1_000_000) throws -> Scenario {
        try ScenarioLoader.load(try folder(posts: posts, budget: budget))
    }
}
