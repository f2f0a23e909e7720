#include <cblas.h>
#include <lapacke.h>
/* openblas_set_num_threads is declared by OpenBLAS's cblas.h */
/* OpenBLAS ends its worker threads (they are started again by its next threaded call);
   exported by libopenblas but declared in no header. */
int blas_thread_shutdown_(void);
