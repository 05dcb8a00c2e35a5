package scan

import "golang.org/x/mod/module"

func modV(path, version string) module.Version { return module.Version{Path: path, Version: version} }
