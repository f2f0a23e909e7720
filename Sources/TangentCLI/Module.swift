// placeholder removed as soon as the module has code
