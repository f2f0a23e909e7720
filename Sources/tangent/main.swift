print("tangent")
