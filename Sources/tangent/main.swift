import Foundation
import NTKCore
import TangentCLI

// A closed pipe (`tangent run nb.md | head`) must not kill the run with SIGPIPE.
signal(SIGPIPE, SIG_IGN)
// Under a file-size limit (`ulimit -f`), a write past it must fail with EFBIG ("File too
// large": a clear error, its temporary file removed) instead of SIGXFSZ killing the process.
signal(SIGXFSZ, SIG_IGN)
// Ctrl-C and SIGTERM remove temporary files first, then exit 130 / 143.
Interruption.install()
// `tangent __kernel`: the worker process that runs one notebook's blocks for its parent.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == KernelWorker.verb { exit(KernelWorker.main()) }
// Notebooks run in worker processes that a block timeout can kill (TANGENT_IN_PROCESS=1: not).
KernelProcess.enable()
// Then this process computes nothing itself: its idle OpenBLAS threads would only take CPU
// from the workers.
if KernelProcess.isEnabled { BLASThreads.leaveToWorkerProcesses() }
exit(Tangent.main(Array(CommandLine.arguments.dropFirst())))
