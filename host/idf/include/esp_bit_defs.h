#pragma once
#define BIT(nr) (1UL << (nr))
