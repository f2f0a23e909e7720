#include <cblas.h>
#include <lapacke.h>
/* openblas_set_num_threads is declared by OpenBLAS's cblas.h */
