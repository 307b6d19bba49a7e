// GLPK from Debian's libglpk-dev (/usr/include/glpk.h). Only GLPKSolver and CGLPKShims import this.
#include <glpk.h>
