module iamref.bench/preview

go 1.24
