import AllocationModel
import Foundation
import Scenario

/// The "why" sentence of a territory, from `MarginalAnalysis` (docs/model.md, "Explanations from the model"): the row
/// that stops one more post, or its next post and what it adds against what a post and a State euro are worth at
/// the margin nationally. Only what the model says at the plan; no average, no fixed parenthesis.
public enum ModelExplanationText {
    public static func sentence(
        _ territory: MarginalAnalysis.Territory, prices: MarginalAnalysis.Prices?, scenario: Scenario
    ) -> String {
        var parts: [String] = []
        if let floor = territory.floor, floor > 0 { parts.append("held by its floor (\(floor) post(s))") }
        if territory.needCovered {
            parts.append("all its need is covered: another post would reach no one")
            return parts.joined(separator: "; ")
        }
        guard let next = territory.next else {
            let reasons = territory.blocking.map { family -> String in
                switch family {
                case "territory_cap": return "at its cap (\(territory.posts) posts)"
                case "host_capacity": return "its host structures are full"
                case "cofinancing": return "its hosts' co-financing is spent"
                default: return family
                }
            }
            parts.append(
                "no room for another post: " + (reasons.isEmpty ? "no host structure" : reasons.joined(separator: ", "))
            )
            return parts.joined(separator: "; ")
        }
        for kind in territory.fullKinds { parts.append("its \(kind) hosts are full") }
        if territory.cofinancingSpent && !next.cofinanced { parts.append("its hosts' co-financing is spent") }
        // Ids, not labels: the scenario's labels are long sentences, its ids short and in the assumptions table.
        var text =
            "next post (\(next.option), \(next.kind) host): +\(Format.fixed(next.value, decimals: 1)) value for \(Format.grouped(next.stateCostEUR)) € of State money"
        if let prices, let perPost = territory.postPrice {
            let price = perPost + prices.perEuro * next.stateCostEUR
            let priced = [
                perPost > 1e-9 ? "a post \(Format.fixed(perPost, decimals: 1))" : nil,
                prices.perEuro > 1e-12 ? "a State k€ \(Format.fixed(prices.perEuro * 1000, decimals: 2))" : nil,
            ].compactMap { $0 }
            if priced.isEmpty {
                text += "; posts and money are not scarce"
            } else if next.value < price - 1e-6 * max(1, price) {
                text += ", less than its price \(Format.fixed(price, decimals: 1)) (\(priced.joined(separator: ", ")))"
            } else if next.value <= price + 1e-6 * max(1, price) {
                text +=
                    ", worth its price \(Format.fixed(price, decimals: 1)) (\(priced.joined(separator: ", "))): a tie at the margin"
            } else {
                // The relaxation's prices are continuous; whole posts (and the MIP gap) can leave such a gain unplaced.
                text +=
                    ", more than its price \(Format.fixed(price, decimals: 1)) (\(priced.joined(separator: ", "))), left by whole posts and the gap"
            }
        }
        parts.append(text)
        return parts.joined(separator: "; ")
    }

    /// The shadow prices, for "What limits the plan". A post's price is `posts_total`'s dual plus its région's rows'
    /// (the LP may carry it on either when a région cap equals the posts), so it is given per territory, as a range.
    public static func pricesLine(_ result: MarginalAnalysis.Result) -> String? {
        guard let prices = result.prices else { return nil }
        let postPrices = result.territories.values.compactMap(\.postPrice)
        let low = postPrices.min() ?? prices.perPost, high = postPrices.max() ?? prices.perPost
        let post =
            abs(high - low) < 0.05
            ? Format.fixed(high, decimals: 1)
            : "\(Format.fixed(low, decimals: 1))–\(Format.fixed(high, decimals: 1)) by région"
        return
            "- **Shadow prices** (LP relaxation, value of one more unit): a post \(post), a thousand State euros \(Format.fixed(prices.perEuro * 1000, decimals: 2))"
            + (high <= 1e-9 && prices.perEuro <= 1e-12 ? ": neither posts nor money is scarce." : ".")
    }
}
