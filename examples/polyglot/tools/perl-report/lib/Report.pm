package Report;

# Builds the nightly sales report from the orders database.

use strict;
use warnings;
use DBI;
use Text::CSV_XS;

our $VERSION = '3.1.0';

sub new {
    my ($class, %args) = @_;
    my $self = { dsn => $args{dsn}, since => $args{since} // 'yesterday' };
    return bless $self, $class;
}

# Totals per day and currency.
sub daily_totals {
    my ($self) = @_;
    my $dbh  = DBI->connect($self->{dsn}, undef, undef, { RaiseError => 1 });
    my $rows = $dbh->selectall_arrayref(_totals_sql(), { Slice => {} }, $self->{since});
    return $rows;
}

sub write_csv {
    my ($self, $path, $rows) = @_;
    my $csv = Text::CSV_XS->new({ binary => 1, eol => "\n" });
    open my $fh, '>:encoding(UTF-8)', $path or die "cannot write $path: $!";
    $csv->print($fh, [ @{$_}{qw(day currency total)} ]) for @$rows;
    close $fh;
    return scalar @$rows;
}

sub _totals_sql {
    return 'SELECT date(placed_at) AS day, currency, sum(total) AS total '
         . 'FROM orders WHERE placed_at >= ? GROUP BY 1, 2 ORDER BY 1, 2';
}

package Report::Row;

sub format_line {
    my ($row) = @_;
    return sprintf '%s %s %.2f', $row->{day}, $row->{currency}, $row->{total};
}

1;
