// glpk_guard.c — the only place with setjmp/longjmp. See include/glpk_guard.h.
//
// GLPK facts this relies on (Debian's GLPK 5.0):
// - A fatal error prints through the terminal hook, then calls the error hook; if the hook returns,
//   GLPK aborts. So the hook longjmps back here, and glp_free_env() releases everything GLPK
//   allocated for this thread (the problem included) so the next session starts clean.
// - The environment (hooks included) is per thread, so a session must run on one thread, which a
//   single synchronous C call guarantees.
#include "glpk_guard.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { LOG_CAPACITY_LIMIT = 8 * 1024 * 1024 };

// Set while a session runs on this thread: a second session started from inside it (say, from a
// progress callback) would replace the hooks and free the environment under the first one.
static _Thread_local int session_running;

typedef struct {
    jmp_buf jump;
    // Captured terminal output.
    char *log;
    size_t length;
    size_t capacity;
    int truncated;
    // Start offsets of the last two terminal chunks: a fatal error is printed as its message and
    // then "Error detected in file ...", so these two chunks are GLPK's own fatal message.
    size_t previous_chunk;
    size_t last_chunk;
    // Branch-and-bound tracking.
    const repartir_glpk_request *request;
    double started;
    double last_progress;
    int has_bound;
    double bound;
    int nodes;
    int cancelled;
    int node_limited;
    // The MIP start is still to be handed to branch-and-bound as its incumbent (at the first GLP_IHEUR).
    int start_pending;
    // glp_interior is running: it has no time limit of its own, so the terminal hook (called once per iteration)
    // keeps the session's limit and the cancellation flag, leaving by longjmp with `interior_stopped` set.
    int in_interior;
    int interior_stopped;  // 1: time limit, 2: cancelled
} session;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int remaining_milliseconds(const session *s);
static int is_cancelled(const repartir_glpk_request *request);

static int term_hook(void *info, const char *text) {
    session *s = info;
    if (s->in_interior) {
        int stop = is_cancelled(s->request) ? 2 : remaining_milliseconds(s) <= 1 ? 1 : 0;
        if (stop) {
            s->in_interior = 0;
            s->interior_stopped = stop;
            longjmp(s->jump, 2);
        }
    }
    size_t n = strlen(text);
    s->previous_chunk = s->last_chunk;
    s->last_chunk = s->length;
    if (s->truncated) return 1;
    if (s->length + n + 1 > LOG_CAPACITY_LIMIT) {
        s->truncated = 1;
        return 1;
    }
    if (s->length + n + 1 > s->capacity) {
        size_t capacity = s->capacity ? s->capacity : 4096;
        while (capacity < s->length + n + 1) capacity *= 2;
        char *grown = realloc(s->log, capacity);
        if (grown == NULL) {  // keep what we have; the session itself goes on
            s->truncated = 1;
            return 1;
        }
        s->log = grown;
        s->capacity = capacity;
    }
    memcpy(s->log + s->length, text, n);
    s->length += n;
    s->log[s->length] = '\0';
    return 1;  // nonzero: GLPK must not print it
}

static void error_hook(void *info) {
    session *s = info;
    longjmp(s->jump, 1);
}

static int milliseconds(double seconds) {
    if (!(seconds > 0) || !isfinite(seconds) || seconds * 1000.0 >= (double)INT_MAX) return INT_MAX;
    double ms = ceil(seconds * 1000.0);
    return ms < 1 ? 1 : (int)ms;
}

static int remaining_milliseconds(const session *s) {
    double limit = s->request->time_limit_seconds;
    if (!(limit > 0) || !isfinite(limit)) return INT_MAX;
    double left = limit - (now_seconds() - s->started);
    return milliseconds(left > 0.001 ? left : 0.001);
}

static int is_cancelled(const repartir_glpk_request *request) {
    return request->cancel != NULL && *request->cancel != 0;
}

static void ios_callback(glp_tree *tree, void *info) {
    session *s = info;
    if (s->start_pending && glp_ios_reason(tree) == GLP_IHEUR) {
        // The start becomes branch-and-bound's incumbent: nodes that cannot beat it are pruned, and the search stops
        // as soon as the bound is within mip_gap of it. GLPK takes it only if it beats the incumbent it has (none yet
        // at the root); its columns are the original problem's because the MIP presolver is off when a start is given.
        // GLPK logs it ("Solution found by heuristic"); a refusal (never expected: the start is checked) is harmless.
        s->start_pending = 0;
        (void)glp_ios_heur_sol(tree, s->request->start);
    }
    int best = glp_ios_best_node(tree);
    if (best != 0) {
        double bound = glp_ios_node_bound(tree, best);
        if (isfinite(bound) && fabs(bound) < 0.5 * 1.7976931348623157e308) {
            s->has_bound = 1;
            s->bound = bound;
        }
    }
    int active = 0, alive = 0, total = 0;
    glp_ios_tree_size(tree, &active, &alive, &total);
    s->nodes = total;
    if (is_cancelled(s->request)) {
        s->cancelled = 1;
        glp_ios_terminate(tree);
        return;
    }
    if (s->request->node_limit > 0 && total >= s->request->node_limit) {
        s->node_limited = 1;
        glp_ios_terminate(tree);
        return;
    }
    const repartir_glpk_request *request = s->request;
    if (request->progress != NULL) {
        double t = now_seconds();
        if (t - s->last_progress >= request->progress_interval_seconds) {
            s->last_progress = t;
            glp_prob *mip = glp_ios_get_prob(tree);
            int status = glp_mip_status(mip);
            int has_incumbent = status == GLP_FEAS || status == GLP_OPT;
            request->progress(request->progress_context, has_incumbent,
                              has_incumbent ? glp_mip_obj_val(mip) : 0.0, s->has_bound, s->bound,
                              total, t - s->started);
        }
    }
}

static void set_bounds_row(glp_prob *P, int i, double lower, double upper) {
    int lo = isfinite(lower), up = isfinite(upper);
    if (lo && up)
        glp_set_row_bnds(P, i, lower == upper ? GLP_FX : GLP_DB, lower, upper);
    else if (lo)
        glp_set_row_bnds(P, i, GLP_LO, lower, 0.0);
    else if (up)
        glp_set_row_bnds(P, i, GLP_UP, 0.0, upper);
    else
        glp_set_row_bnds(P, i, GLP_FR, 0.0, 0.0);
}

static void set_bounds_col(glp_prob *P, int j, double lower, double upper) {
    int lo = isfinite(lower), up = isfinite(upper);
    if (lo && up)
        glp_set_col_bnds(P, j, lower == upper ? GLP_FX : GLP_DB, lower, upper);
    else if (lo)
        glp_set_col_bnds(P, j, GLP_LO, lower, 0.0);
    else if (up)
        glp_set_col_bnds(P, j, GLP_UP, 0.0, upper);
    else
        glp_set_col_bnds(P, j, GLP_FR, 0.0, 0.0);
}

static glp_prob *load(const repartir_glpk_model *m, int *is_mip) {
    glp_prob *P = glp_create_prob();
    glp_set_prob_name(P, m->name_blob + m->problem_name);
    glp_set_obj_name(P, m->name_blob + m->objective_name);
    glp_set_obj_dir(P, m->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(P, 0, m->objective_constant);
    if (m->rows > 0) glp_add_rows(P, m->rows);
    for (int i = 0; i < m->rows; i++) {
        glp_set_row_name(P, i + 1, m->name_blob + m->row_names[i]);
        set_bounds_row(P, i + 1, m->row_lower[i], m->row_upper[i]);
    }
    if (m->cols > 0) glp_add_cols(P, m->cols);
    *is_mip = 0;
    for (int j = 0; j < m->cols; j++) {
        glp_set_col_name(P, j + 1, m->name_blob + m->col_names[j]);
        if (m->col_integer[j]) {
            glp_set_col_kind(P, j + 1, GLP_IV);
            *is_mip = 1;
        }
        set_bounds_col(P, j + 1, m->col_lower[j], m->col_upper[j]);
        glp_set_obj_coef(P, j + 1, m->col_objective[j]);
    }
    if (m->nonzeros > 0) glp_load_matrix(P, m->nonzeros, m->ia, m->ja, m->ar);
    return P;
}

static void read_lp_solution(glp_prob *P, const repartir_glpk_model *m, repartir_glpk_result *r,
                             int with_duals) {
    r->objective = glp_get_obj_val(P);
    for (int j = 0; j < m->cols; j++)
        if (r->values) r->values[j] = glp_get_col_prim(P, j + 1);
    for (int i = 0; i < m->rows; i++) {
        if (r->activities) r->activities[i] = glp_get_row_prim(P, i + 1);
        if (with_duals && r->duals) r->duals[i] = glp_get_row_dual(P, i + 1);
    }
    r->has_solution = 1;
    r->has_duals = with_duals;
}

static void read_mip_solution(glp_prob *P, const repartir_glpk_model *m, repartir_glpk_result *r) {
    r->objective = glp_mip_obj_val(P);
    for (int j = 0; j < m->cols; j++)
        if (r->values) r->values[j] = glp_mip_col_val(P, j + 1);
    for (int i = 0; i < m->rows; i++)
        if (r->activities) r->activities[i] = glp_mip_row_val(P, i + 1);
    r->has_solution = 1;
}

static void run_simplex(glp_prob *P, session *s, repartir_glpk_result *r, int presolve) {
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = s->request->message_level;
    smcp.presolve = presolve ? GLP_ON : GLP_OFF;
    smcp.tm_lim = remaining_milliseconds(s);
    if (s->request->dual_simplex) {
        glp_scale_prob(P, GLP_SF_AUTO);
        smcp.meth = GLP_DUALP;
        smcp.r_test = GLP_RT_FLIP;
    }
    r->simplex_ran = 1;
    r->simplex_return = glp_simplex(P, &smcp);
    r->lp_status = glp_get_status(P);
}

// The primal-dual interior-point method (glp_interior), for large sparse LPs: its solution is optimal to GLPK's
// tolerances (relative gap and infeasibilities ≤ 1e-8) but not a vertex, and it has no basis. When it does not end
// optimal (slow convergence, instability, an infeasible or unbounded LP), the simplex decides instead, in the time left.
static void classify_without_presolve(glp_prob *P, session *s, repartir_glpk_result *r);

static void run_interior(glp_prob *P, session *s, repartir_glpk_result *r) {
    glp_iptcp iptcp;
    glp_init_iptcp(&iptcp);
    // Iteration lines must reach the terminal hook: it keeps the time limit.
    iptcp.msg_lev = s->request->message_level > GLP_MSG_ON ? s->request->message_level : GLP_MSG_ON;
    // Scaled, as glpsol does: unscaled, the commune model's relaxation does not converge (10 km: "NO CONVERGENCE"
    // after 34 iterations; scaled, optimal in 35, 7 s).
    glp_scale_prob(P, GLP_SF_AUTO);
    r->interior_ran = 1;
    s->in_interior = 1;
    int rc = glp_interior(P, &iptcp);
    s->in_interior = 0;
    r->interior_return = rc;
    if (rc == 0 && glp_ipt_status(P) == GLP_OPT) {
        r->simplex_ran = 1;
        r->simplex_return = 0;
        r->lp_status = GLP_OPT;
        r->objective = glp_ipt_obj_val(P);
        for (int j = 0; j < glp_get_num_cols(P); j++)
            if (r->values) r->values[j] = glp_ipt_col_prim(P, j + 1);
        for (int i = 0; i < glp_get_num_rows(P); i++) {
            if (r->activities) r->activities[i] = glp_ipt_row_prim(P, i + 1);
            if (r->duals) r->duals[i] = glp_ipt_row_dual(P, i + 1);
        }
        r->has_solution = 1;
        r->has_duals = 1;
        return;
    }
    if (s->request->interior_no_fallback &&
        (rc == GLP_EINSTAB || rc == GLP_ENOCVG || rc == GLP_EITLIM)) {
        // ipm_solve restored its best point before returning: kept as a guide, not as a solution.
        r->objective = glp_ipt_obj_val(P);
        for (int j = 0; j < glp_get_num_cols(P); j++)
            if (r->values) r->values[j] = glp_ipt_col_prim(P, j + 1);
        for (int i = 0; i < glp_get_num_rows(P); i++)
            if (r->duals) r->duals[i] = glp_ipt_row_dual(P, i + 1);
        r->interior_point = 1;
        return;
    }
    run_simplex(P, s, r, s->request->presolve);
    if (s->request->presolve && r->simplex_return == GLP_ENODFS) classify_without_presolve(P, s, r);
}

// Presolve only says "no primal/dual feasible solution"; without it, GLPK tells infeasible from
// unbounded. Cheap in those cases, and it keeps the status honest.
static void classify_without_presolve(glp_prob *P, session *s, repartir_glpk_result *r) {
    r->resolved_without_presolve = 1;
    run_simplex(P, s, r, 0);
}

// Solves the relaxation; when the start's objective is within mip_gap of its bound, the start is
// the answer (GLPK's own gap rule, so the claim is the same as a branch-and-bound stop).
static int start_suffices(glp_prob *P, const repartir_glpk_model *m, session *s, repartir_glpk_result *r) {
    const double *x = s->request->start;
    run_simplex(P, s, r, 0);
    if (r->simplex_return != 0 || r->lp_status != GLP_OPT) return 0;
    double bound = glp_get_obj_val(P);
    double objective = m->objective_constant;
    for (int j = 0; j < m->cols; j++) objective += m->col_objective[j] * x[j + 1];
    s->has_bound = 1;
    s->bound = bound;
    double gap = fabs(bound - objective) / (fabs(objective) + 2.220446049250313e-16);
    // A start claiming more than the relaxation allows means the caller's check was wrong: don't take it.
    double tolerance = 1e-9 * (1 + fabs(bound));
    int beyond_bound = m->maximize ? objective > bound + tolerance : objective < bound - tolerance;
    if (beyond_bound || gap > s->request->mip_gap) return 0;
    r->start_sufficed = 1;
    r->objective = objective;
    for (int j = 0; j < m->cols; j++)
        if (r->values) r->values[j] = x[j + 1];
    if (r->activities) {
        for (int i = 0; i < m->rows; i++) r->activities[i] = 0.0;
        for (int k = 1; k <= m->nonzeros; k++) r->activities[m->ia[k] - 1] += m->ar[k] * x[m->ja[k]];
    }
    r->has_solution = 1;
    return 1;
}

// The simplex from the caller's basis (presolve off: the presolver would discard it). GLPK checks it: an invalid
// basis (GLP_EBADB: not as many basic variables as rows) or a singular or ill-conditioned one is replaced by GLPK's
// advanced basis, as a cold start would build, so a stale basis costs time, never the answer.
static void warm_simplex(glp_prob *P, const repartir_glpk_model *m, session *s, repartir_glpk_result *r) {
    const int *basis = s->request->basis_in;
    for (int i = 0; i < m->rows; i++) glp_set_row_stat(P, i + 1, basis[i]);
    for (int j = 0; j < m->cols; j++) glp_set_col_stat(P, j + 1, basis[m->rows + j]);
    run_simplex(P, s, r, 0);
    if (r->simplex_return == GLP_EBADB || r->simplex_return == GLP_ESING || r->simplex_return == GLP_ECOND) {
        r->basis_rejected = 1;
        glp_adv_basis(P, 0);
        run_simplex(P, s, r, 0);
    }
}

static void read_basis(glp_prob *P, const repartir_glpk_model *m, repartir_glpk_result *r) {
    if (!r->basis_out) return;
    for (int i = 0; i < m->rows; i++) r->basis_out[i] = glp_get_row_stat(P, i + 1);
    for (int j = 0; j < m->cols; j++) r->basis_out[m->rows + j] = glp_get_col_stat(P, j + 1);
    r->has_basis = 1;
}

static void solve(glp_prob *P, int is_mip, const repartir_glpk_model *m, session *s,
                  repartir_glpk_result *r) {
    const repartir_glpk_request *q = s->request;
    r->is_mip = is_mip;
    if (is_cancelled(q)) {
        s->cancelled = 1;
        return;
    }
    if (!is_mip) {
        if (q->interior) {
            run_interior(P, s, r);
            if (r->has_solution || r->interior_point) return;
        } else if (q->basis_in) {
            warm_simplex(P, m, s, r);
        } else {
            run_simplex(P, s, r, q->presolve);
            if (q->presolve && r->simplex_return == GLP_ENODFS) classify_without_presolve(P, s, r);
        }
        if (r->lp_status == GLP_OPT) {
            read_lp_solution(P, m, r, 1);
            read_basis(P, m, r);
        } else if (r->lp_status == GLP_FEAS)  // time limit in phase 2: feasible, not proven optimal
            read_lp_solution(P, m, r, 0);
        return;
    }
    if (q->start != NULL) {
        if (start_suffices(P, m, s, r)) return;
        if (is_cancelled(q)) {
            s->cancelled = 1;
            return;
        }
    }
    if (!q->presolve) {
        // glp_intopt without presolve needs an optimal relaxation first: from the caller's basis when there is one
        // (a range's end proved on the relaxation's basis with one row more: a few pivots instead of a solve).
        if (!r->simplex_ran) {
            if (q->basis_in)
                warm_simplex(P, m, s, r);
            else
                run_simplex(P, s, r, 0);
        }
        if (r->simplex_return != 0 || r->lp_status != GLP_OPT) return;
        s->has_bound = 1;
        s->bound = glp_get_obj_val(P);
        if (is_cancelled(q)) {
            s->cancelled = 1;
            return;
        }
    }
    int incumbent = q->start != NULL && q->start_incumbent;
    if (incumbent && q->presolve) {
        // start_suffices left an optimal basis of the relaxation: branch-and-bound continues from it without the MIP
        // presolver, whose reduced problem would not have the start's columns (see ios_callback).
        if (r->simplex_return != 0 || r->lp_status != GLP_OPT) run_simplex(P, s, r, 0);
        if (r->simplex_return != 0 || r->lp_status != GLP_OPT) return;
    }
    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = q->message_level;
    iocp.presolve = q->presolve && !incumbent ? GLP_ON : GLP_OFF;
    s->start_pending = incumbent;
    iocp.mip_gap = q->mip_gap;
    // GLPK takes an integer column within tol_int of a whole number as integral and rounds it without
    // checking the rows again. At its default (1e-5) a row of euro coefficients (a structure's host
    // money, 40,000 € a post) could end up 0.4 € over its bound; at 1e-9 at most about 1e-4 €. The
    // Swift side still re-checks the integer rows after rounding (GLPKSolver+IntegerRows.swift).
    iocp.tol_int = 1e-9;
    iocp.gmi_cuts = q->cuts ? GLP_ON : GLP_OFF;
    iocp.mir_cuts = q->cuts && !q->mir_cuts_off ? GLP_ON : GLP_OFF;
    if (q->pseudo_cost_branching) iocp.br_tech = GLP_BR_PCH;
    iocp.tm_lim = remaining_milliseconds(s);
    iocp.cb_func = ios_callback;
    iocp.cb_info = s;
    r->intopt_ran = 1;
    r->intopt_return = glp_intopt(P, &iocp);
    r->mip_status = glp_mip_status(P);
    if (q->presolve && (r->intopt_return == GLP_ENODFS)) classify_without_presolve(P, s, r);
    if (r->mip_status == GLP_OPT || r->mip_status == GLP_FEAS) read_mip_solution(P, m, r);
}

// Smallest and largest value of each requested column over the LP's feasible set. The first simplex finds a
// feasible basis; each later one starts from the basis the previous one ended at (presolve off keeps it).
static void column_ranges(glp_prob *P, session *s, repartir_glpk_result *r) {
    const repartir_glpk_request *q = s->request;
    for (int k = 0; k < q->range_count; k++) {
        q->range_low[k] = NAN;
        q->range_high[k] = NAN;
    }
    glp_set_obj_dir(P, GLP_MIN);
    run_simplex(P, s, r, 0);
    if (r->simplex_return != 0 || r->lp_status != GLP_OPT) return;
    for (int k = 0; k < q->range_count; k++) {
        int j = q->range_columns[k];
        glp_set_obj_coef(P, j, 1.0);
        for (int side = 0; side < 2; side++) {
            if (is_cancelled(q)) {
                s->cancelled = 1;
                return;
            }
            glp_set_obj_dir(P, side == 0 ? GLP_MIN : GLP_MAX);
            run_simplex(P, s, r, 0);
            if (r->simplex_return == 0 && r->lp_status == GLP_OPT)
                (side == 0 ? q->range_low : q->range_high)[k] = glp_get_col_prim(P, j);
            else if (r->lp_status != GLP_FEAS && r->lp_status != GLP_OPT)
                run_simplex(P, s, r, 0);  // a lost basis: find a feasible one again for the next column
        }
        glp_set_obj_coef(P, j, 0.0);
    }
}

static void trim_trailing_space(char *text) {
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = '\0';
}

static void write_file(glp_prob *P, const session *s, repartir_glpk_result *r) {
    const repartir_glpk_request *q = s->request;
    int rc;
    if (q->action == REPARTIR_GLPK_WRITE_LP)
        rc = glp_write_lp(P, NULL, q->path);
    else
        rc = glp_write_mps(P, GLP_MPS_FILE, NULL, q->path);
    if (rc != 0) {
        r->outcome = REPARTIR_GLPK_IO_FAILED;
        const char *detail = s->log != NULL && s->last_chunk < s->length ? s->log + s->last_chunk : "";
        snprintf(r->message, sizeof r->message, "GLPK could not write '%s': %s", q->path, detail);
        trim_trailing_space(r->message);
    }
}

static void copy_fatal_message(const session *s, repartir_glpk_result *r) {
    if (s->log == NULL || s->previous_chunk >= s->length) {
        snprintf(r->message, sizeof r->message, "GLPK fatal error (no message captured)");
        return;
    }
    snprintf(r->message, sizeof r->message, "%s", s->log + s->previous_chunk);
    trim_trailing_space(r->message);
}

int repartir_glpk_run(const repartir_glpk_model *model, const repartir_glpk_request *request,
                      repartir_glpk_result *result) {
    // `s` lives across setjmp/longjmp and is only reached through a pointer after the jump, so
    // its fields are reloaded from memory; `problem` is volatile for the same reason.
    session s;
    memset(&s, 0, sizeof s);
    s.request = request;
    s.started = now_seconds();
    s.last_progress = s.started;

    double *values = result->values, *activities = result->activities, *duals = result->duals;
    int *basis = result->basis_out;
    memset(result, 0, sizeof *result);
    result->values = values;
    result->activities = activities;
    result->duals = duals;
    result->basis_out = basis;
    if (session_running) {
        result->outcome = REPARTIR_GLPK_FATAL;
        snprintf(result->message, sizeof result->message,
                 "a GLPK session cannot start inside another one on the same thread");
        return result->outcome;
    }
    session_running = 1;

    glp_prob *volatile problem = NULL;
    glp_term_hook(term_hook, &s);
    glp_error_hook(error_hook, &s);
    // setjmp as the whole controlling expression of a switch: one of the few places C allows it.
    switch (setjmp(s.jump)) {
    case 0: {
        int is_mip = 0;
        problem = load(model, &is_mip);
        if (request->action == REPARTIR_GLPK_SOLVE)
            solve(problem, is_mip, model, &s, result);
        else if (request->action == REPARTIR_GLPK_COLUMN_RANGES)
            column_ranges(problem, &s, result);
        else
            write_file(problem, &s, result);
        glp_delete_prob(problem);
        problem = NULL;
        glp_term_hook(NULL, NULL);
        glp_error_hook(NULL, NULL);
        glp_free_env();
        break;
    }
    case 2:
        // The interior-point method stopped by the time limit or the cancellation flag: no solution; GLPK's memory
        // (the problem too) is released as after a fatal error.
        glp_free_env();
        result->has_solution = 0;
        result->has_duals = 0;
        result->has_basis = 0;
        result->lp_status = GLP_UNDEF;
        if (s.interior_stopped == 2) {
            s.cancelled = 1;  // read as "cancelled before any simplex", as when the flag is seen first
        } else {
            result->simplex_ran = 1;
            result->simplex_return = GLP_ETMLIM;
        }
        break;
    default:
        // GLPK is in an undefined state; glp_free_env releases all its memory, the problem too.
        result->outcome = REPARTIR_GLPK_FATAL;
        result->has_solution = 0;
        result->has_duals = 0;
        result->has_basis = 0;
        copy_fatal_message(&s, result);
        glp_free_env();
        break;
    }
    result->has_bound = s.has_bound;
    result->bound = s.bound;
    result->nodes = s.nodes;
    result->cancelled = s.cancelled;
    result->node_limited = s.node_limited;
    result->seconds = now_seconds() - s.started;
    result->log = s.log;
    result->log_length = s.length;
    result->log_truncated = s.truncated;
    session_running = 0;
    return result->outcome;
}

void repartir_glpk_free_log(repartir_glpk_result *result) {
    free(result->log);
    result->log = NULL;
    result->log_length = 0;
}

void repartir_glpk_version(char *buffer, size_t size) {
    if (size == 0) return;
    snprintf(buffer, size, "%s", glp_version());
    glp_free_env();
}
