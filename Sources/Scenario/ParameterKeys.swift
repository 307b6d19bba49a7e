/// The scenario keys other modules name (in sentences, table descriptions and `--set` suggestions), spelled once here
/// so that renaming a key in the schema cannot leave a stale copy elsewhere.
public enum ParameterKeys {
    public static let posts = "programme.posts"
    public static let budget = "programme.budget_eur"
}
