// glpk_guard.h — run one whole GLPK session (create → load → solve or write → read back → delete)
// inside a single C function guarded by setjmp, so that GLPK's fatal errors (which would print to
// stdout and abort()) come back as an error value instead, and the next session still works.
//
// Swift cannot call setjmp, which is why this small C layer exists. It knows nothing of statuses'
// meaning: it reports GLPK's raw return codes and statuses; GLPKSolver maps them.
#ifndef REPARTIR_GLPK_GUARD_H
#define REPARTIR_GLPK_GUARD_H

#include <signal.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the session does once the problem is loaded.
typedef enum {
    REPARTIR_GLPK_SOLVE = 0,
    REPARTIR_GLPK_WRITE_LP = 1,   // CPLEX LP via glp_write_lp
    REPARTIR_GLPK_WRITE_MPS = 2,  // free MPS via glp_write_mps(GLP_MPS_FILE)
    // A pure LP with a zero objective: for each of `range_count` columns, its smallest then largest value, each
    // by the simplex warm-started from the previous basis (one load, a few pivots per bound).
    REPARTIR_GLPK_COLUMN_RANGES = 3,
} repartir_glpk_action;

/// How the session ended (not the solve status: see the GLPK codes in repartir_glpk_result).
typedef enum {
    REPARTIR_GLPK_COMPLETED = 0,  // GLPK ran to the end; read the codes and statuses
    REPARTIR_GLPK_FATAL = 1,      // GLPK raised a fatal error; `message` has GLPK's text
    REPARTIR_GLPK_IO_FAILED = 2,  // writing the model file failed; `message` says why
} repartir_glpk_outcome;

/// The problem, as flat arrays. Names are offsets into `name_blob` (NUL-terminated strings).
/// The matrix uses GLPK's 1-based triplets: ia/ja/ar[1...nonzeros]; element 0 is ignored.
typedef struct {
    const char *name_blob;
    int problem_name;
    int objective_name;
    int maximize;
    double objective_constant;
    int rows;
    const int *row_names;
    const double *row_lower;  // -INFINITY allowed
    const double *row_upper;  // +INFINITY allowed
    int cols;
    const int *col_names;
    const double *col_lower;
    const double *col_upper;
    const double *col_objective;
    const unsigned char *col_integer;
    int nonzeros;
    const int *ia;
    const int *ja;
    const double *ar;
} repartir_glpk_model;

/// Called from the branch-and-bound callback at most every `progress_interval_seconds`.
typedef void (*repartir_glpk_progress_fn)(void *context, int has_incumbent, double incumbent,
                                          int has_bound, double bound, int nodes, double seconds);

typedef struct {
    repartir_glpk_action action;
    const char *path;                      // for the write actions
    double time_limit_seconds;             // <= 0 or infinite: no limit
    double mip_gap;
    int presolve;
    int cuts;                              // Gomory mixed-integer + mixed-integer rounding cuts
    int mir_cuts_off;                      // with cuts: Gomory's alone
    volatile sig_atomic_t *cancel;         // optional; nonzero means stop as soon as possible
    repartir_glpk_progress_fn progress;    // optional
    void *progress_context;
    double progress_interval_seconds;
    int message_level;                     // GLP_MSG_*; the output is captured, never printed
    // Optional MIP start: one value per column, 1-based (index 0 unused), feasible and integral (the
    // caller checks). The relaxation is solved first; when the start is within mip_gap of its bound,
    // it is the answer and branch-and-bound is skipped. Otherwise, with start_incumbent, branch-and-bound
    // runs from that relaxation, without the MIP presolver, with the start as its first incumbent
    // (glp_ios_heur_sol); without it, branch-and-bound runs as without a start (presolver as asked).
    const double *start;
    int start_incumbent;
    // Nonzero: LPs scaled (GLP_SF_AUTO) and solved by the dual simplex with the long-step ratio test (GLP_DUALP,
    // GLP_RT_FLIP), for the commune model's relaxation; zero: GLPK's defaults, unscaled.
    int dual_simplex;
    // Nonzero, for a pure LP: GLPK's interior-point method (glp_interior) first, the simplex only when it does not end
    // optimal. Its solution is not a vertex. The time limit and the cancellation flag are kept through the terminal
    // hook (glp_interior has no limit of its own).
    int interior;
    // With `interior`: when glp_interior stops short of optimal (numeric instability, no convergence, its iteration
    // limit), no simplex follows; GLPK's best point is returned instead (`interior_point`), for the caller to use
    // as a guide (its duals as prices), never as a solution.
    int interior_no_fallback;
    // Branch-and-bound stops once this many nodes exist in its tree (0: no limit). Unlike a time limit it is
    // reproducible: the same model and limit stop at the same node, so the same incumbent and bound come back.
    int node_limit;
    // Nonzero: branch-and-bound branches by pseudo-costs (GLP_BR_PCH) instead of GLPK's default Driebeck-Tomlin
    // heuristic (GLP_BR_DTH); the closeness stages use it.
    int pseudo_cost_branching;
    // REPARTIR_GLPK_COLUMN_RANGES: 1-based columns, and caller-owned outputs (NAN where a simplex did not end optimal).
    int range_count;
    const int *range_columns;
    double *range_low;
    double *range_high;
    // Optional warm start for a pure LP solved by the simplex (not `interior`): one status per row, then one per
    // column (GLP_BS, GLP_NL, GLP_NU, GLP_NF or GLP_NS; the caller checks), e.g. the basis an earlier solve of the
    // same rows and columns ended at. The simplex then runs without the presolver, from that basis; when GLPK
    // finds it invalid or singular, from its advanced basis instead (`basis_rejected`).
    const int *basis_in;
} repartir_glpk_request;

typedef struct {
    repartir_glpk_outcome outcome;
    int is_mip;
    int simplex_ran;          // glp_simplex was called (pure LP, or MIP relaxation with presolve off)
    int simplex_return;       // its return code (0, GLP_ETMLIM, GLP_ENOPFS, ...)
    int interior_ran;         // glp_interior was called (request.interior)
    int interior_return;      // its return code; when it ended optimal, simplex_return is 0 and lp_status GLP_OPT
    int lp_status;            // glp_get_status after it
    int resolved_without_presolve;  // GLP_ENODFS/ENOPFS under presolve: re-solved to classify
    int intopt_ran;
    int intopt_return;
    int mip_status;           // glp_mip_status after glp_intopt
    int has_solution;         // values/activities were filled
    int has_duals;            // duals were filled
    double objective;
    int has_bound;
    double bound;             // best bound seen during branch-and-bound (or the LP bound)
    int nodes;
    int cancelled;            // the cancel flag was seen set
    int node_limited;         // branch-and-bound was stopped by node_limit
    int start_sufficed;       // the start was within mip_gap of the relaxation: values are the start
    double seconds;
    // Caller-owned output buffers (cols, rows, rows entries); any may be NULL.
    double *values;
    double *activities;
    double *duals;
    // Caller-owned, rows + columns entries, may be NULL: the final basis's statuses (rows, then columns), filled
    // when a pure LP ends optimal by the simplex (`has_basis`); the interior-point method has no basis.
    int *basis_out;
    int has_basis;
    int basis_rejected;  // basis_in was not a valid basis: the simplex started from GLPK's advanced basis
    // glp_interior stopped short with `interior_no_fallback`: `values`, `duals` and `objective` hold its best point
    // (neither proven optimal nor exactly feasible); has_solution stays 0.
    int interior_point;
    // GLPK's captured terminal output (malloc'ed; free it with repartir_glpk_free_log).
    char *log;
    size_t log_length;
    int log_truncated;
    char message[1024];
} repartir_glpk_result;

/// Runs one guarded session on the calling thread. Never prints, never aborts on GLPK errors.
/// Returns result->outcome.
int repartir_glpk_run(const repartir_glpk_model *model, const repartir_glpk_request *request,
                      repartir_glpk_result *result);

/// Releases result->log.
void repartir_glpk_free_log(repartir_glpk_result *result);

/// Copies glp_version() into `buffer` (guarded; frees the thread's environment afterwards).
void repartir_glpk_version(char *buffer, size_t size);

/// Async-signal-safe accessors for a cancellation flag.
static inline void repartir_glpk_flag_set(volatile sig_atomic_t *flag, int value) { *flag = value; }
static inline int repartir_glpk_flag_get(volatile sig_atomic_t *flag) { return *flag; }

#ifdef __cplusplus
}
#endif

#endif
