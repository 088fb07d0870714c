#!/usr/bin/env perl
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Report;

my $report = Report->new(dsn => $ENV{ORDERS_DSN} // 'dbi:SQLite:orders.db');
my $count  = $report->write_csv('sales.csv', $report->daily_totals);
print "wrote $count rows\n";
