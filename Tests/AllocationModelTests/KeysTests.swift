import AllocationModel
import Foundation
import Scenario
import Testing

/// `PoolKey` and `DecisionKey` (issue 8, item 2): the model's nouns as values, and the splitter fed by them.
@Suite struct KeysTests {
    /// Every decision's key spells its variable's name (`x[t,k,n]`, `x[t,k,n,u]`), and no two decisions share a key:
    /// the key is the decision, and nothing needs the name to find it.
    @Test func decisionKeysNameTheirVariables() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let model = AllocationModel(scenario: scenario)
        #expect(!model.decisions.isEmpty)
        let poolByKey = Dictionary(uniqueKeysWithValues: model.pools.map { ($0.key, $0) })
        for decision in model.decisions {
            // A pool with one count unit keeps the pool's name for its co-financed variables (docs/model.md).
            let pool = try #require(poolByKey[decision.key.pool])
            let single = pool.units.count == 1 && pool.units[0].isCount
            let named = single ? DecisionKey(pool: decision.key.pool, option: decision.option) : decision.key
            #expect(model.program.variables[decision.variable.index].name == "x[\(named)]")
            #expect(decision.key.pool == PoolKey(territory: decision.territory, kind: decision.kind))
        }
        #expect(Set(model.decisions.map(\.key)).count == model.decisions.count)
        let pools = Set(model.pools.map(\.key))
        #expect(pools.count == model.pools.count)
        for row in model.program.constraints where row.name.hasPrefix("host_capacity[") {
            #expect(model.pools.contains { "host_capacity[\($0.key)]" == row.name })
        }
        // A structure's pool is the pool the model made from it.
        for structure in scenario.residualStructures where structure.capacity > 0 {
            #expect(pools.contains(structure.pool))
        }
    }

    @Test func keysCompareFieldByField() {
        let a = PoolKey(territory: "01", kind: "public"), b = PoolKey(territory: "011", kind: "private")
        // By territory code first ("01" < "011"), whatever the kinds; a string "t|k" would have sorted them the other
        // way.
        #expect(a < b && [b, a].sorted() == [a, b])
        let noUnit = DecisionKey(pool: a, option: "x"), unit1 = DecisionKey(pool: a, option: "x", unit: 0)
        #expect(
            noUnit < unit1 && noUnit != unit1 && noUnit.description == "01,public,x"
                && unit1.description == "01,public,x,1")
        #expect(DecisionKey(territory: "01", kind: "public", option: "x") == noUnit)
    }

    /// One territory, structures s1 (capacity 2) and s2 (capacity 1), option `full` only. 3 posts go one per structure
    /// in turn (id order): s1, s2, s1, so s1 gets 2 and s2 gets 1. 4 posts do not fit (capacity 3); a pool or unit the
    /// model does not have cannot take posts.
    @Test func aggregatesSplitOnStructures() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 100)],
            hosts: [.init(id: "s1", territory: "A", capacity: 2), .init(id: "s2", territory: "A", capacity: 1)],
            posts: 3, budget: 1e9, withPartial: false)
        let pools = AllocationModel.pools(of: scenario)
        let key = DecisionKey(territory: "A", kind: "public", option: "full")
        let plan = try PlanSplitter.plan(aggregates: [key: 3], pools: pools, scenario: scenario)
        #expect(
            plan.placements == [
                Placement(structureID: "s1", option: "full", posts: 2),
                Placement(structureID: "s2", option: "full", posts: 1),
            ])
        #expect(try PlanSplitter.plan(pooledPosts: [key: 3], scenario: scenario) == plan)
        #expect(throws: PlanSplitter.SplitError.self) {
            try PlanSplitter.plan(aggregates: [key: 4], pools: pools, scenario: scenario)
        }
        #expect(throws: PlanSplitter.SplitError.self) {
            try PlanSplitter.plan(
                aggregates: [DecisionKey(territory: "B", kind: "public", option: "full"): 1], pools: pools,
                scenario: scenario)
        }
        #expect(throws: PlanSplitter.SplitError.self) {
            try PlanSplitter.plan(
                aggregates: [DecisionKey(territory: "A", kind: "public", option: "full", unit: 5): 1], pools: pools,
                scenario: scenario)
        }
    }
}
