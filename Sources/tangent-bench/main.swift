print("usage: tangent-bench analytic")
