module hugobaseline

go 1.24
