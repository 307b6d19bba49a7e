/// Baselines: classic apportionments and the observed 2021 allocation (in progress).
public enum Baselines {}
